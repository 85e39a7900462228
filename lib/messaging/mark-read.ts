import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { getConversation } from "@/lib/conversations";
import { dbOf, type Ctx } from "@/lib/db/context";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { graphJson } from "@/lib/whatsapp/client";
import { markReadBody } from "./send-payload";

/**
 * Tells the customer we read their messages (blue ticks), optionally with the typing indicator, by marking
 * the newest inbound message read: Meta marks the earlier ones too (PROTOCOL.md §6). Goes through a job so
 * opening a thread never waits on Meta.
 */
export async function requestMarkRead({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string; typing?: boolean };
}): Promise<void> {
  const conversation = await getConversation({ ctx, input: { id: input.conversationId } });
  assertCan(ctx.actor, "conversations:reply", {
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
  });
  try {
    await enqueue(queues.messageMarkRead, { conversationId: conversation.id, typing: input.typing ?? false });
  } catch (error) {
    // A lost read receipt is cosmetic; never fail the agent's request for it.
    console.error(`[messaging] could not enqueue mark-read: ${(error as Error).message}`);
  }
}

/** The job: one Graph call with the newest customer wamid, skipped when there is none or the number is paused. */
export async function markReadOnWhatsApp({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string; typing: boolean };
}): Promise<"sent" | "skipped"> {
  const [row] = await dbOf(ctx).execute<{ wamid: string; pnid: string }>(sql`
    select m.wamid, n.phone_number_id as pnid
    from messages m
    join conversations c on c.id = m.conversation_id
    join phone_numbers n on n.id = c.phone_number_id
    where m.conversation_id = ${input.conversationId} and m.source = 'customer' and m.wamid is not null
      and n.sending_paused_at is null and n.coexistence_state = 'active'
    order by m.timestamp desc, m.arrival desc limit 1`);
  if (!row) return "skipped";
  await graphJson(`${row.pnid}/messages`, { method: "POST", json: markReadBody(row.wamid, input.typing) });
  return "sent";
}
