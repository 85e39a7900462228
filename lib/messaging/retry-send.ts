import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { getConversation, selectMessageDto } from "@/lib/conversations";
import type { MessageDto } from "@/lib/conversations/schemas";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { scheduleSend } from "./schedule";
import { SendRefusedError } from "./send-message";
import { isUuid } from "@/lib/utils/ids";

/**
 * An agent retries a failed send (the error offered "retry"): the same message row goes back to `queued`,
 * so the thread shows one message, not a copy. Refused when Meta accepted it (it has a wamid) or when the
 * error is one a retry cannot fix.
 */
export async function retrySend({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { messageId: string };
}): Promise<MessageDto> {
  if (!isUuid(input.messageId)) throw new NotFoundError("Message");
  const [row] = await dbOf(ctx).execute<{
    conversation_id: string;
    error: { code?: unknown } | null;
    wamid: string | null;
    window_open: boolean;
  }>(
    // The window is compared on Postgres' clock, not this process' (R18).
    sql`select m.conversation_id, m.error, m.wamid, coalesce(c.window_expires_at > now(), false) as window_open
        from messages m join outbound_sends s on s.message_id = m.id join conversations c on c.id = m.conversation_id
        where m.id = ${input.messageId}`,
  );
  if (!row) throw new NotFoundError("Message");
  const conversation = await getConversation({ ctx, input: { id: row.conversation_id } });
  assertCan(ctx.actor, "conversations:reply", {
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
  });
  const info = describeSendError(Number(row.error?.code) || null);
  if (row.wamid) throw new ConflictError("WhatsApp accepted this message; it cannot be sent again");
  if (info.action !== "retry")
    throw new SendRefusedError("not_retryable", `${info.title}. ${info.hint}`, { send_error: info });
  if (info.class === "window" || !row.window_open) {
    const closed = describeSendError(131047);
    const [send] = await dbOf(ctx).execute<{ type: string }>(
      sql`select input->>'type' as type from outbound_sends where message_id = ${input.messageId}`,
    );
    if (send?.type !== "template")
      throw new SendRefusedError("window_closed", `${closed.title}. ${closed.hint}`, { send_error: closed });
  }
  const seq = await withTransaction(ctx, async (tx) => {
    const [requeued] = await tx.execute<{ message_id: string }>(sql`
      update outbound_sends set state = 'queued', attempts = 0, next_attempt_at = now(), last_error = null,
        settled_at = null
      where message_id = ${input.messageId} and state = 'failed' returning message_id`);
    if (!requeued) throw new ConflictError("This message is not failed; nothing to retry");
    await tx.execute(sql`update messages set status = 'queued', error = null where id = ${input.messageId}`);
    await emitAudit(tx, ctx.actor, {
      action: "message.retried",
      entityType: "message",
      entityId: input.messageId,
      data: { code: info.code },
    });
    const [touched] = await tx.execute<{ seq: string }>(sql`
      update conversations set seq = seq + 1, updated_at = now() where id = ${conversation.id} returning seq`);
    return Number(touched?.seq ?? 0);
  });
  await scheduleSend(input.messageId);
  await publishConversationChanged({
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    seq,
    messageId: input.messageId,
    messageIds: [input.messageId],
    reason: "status",
  });
  const dto = await selectMessageDto(dbOf(ctx), input.messageId);
  if (!dto) throw new NotFoundError("Message");
  return dto;
}
