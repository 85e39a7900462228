import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, ValidationError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { actOnConversation } from "./act";
import { snoozeInput, type SnoozeInput } from "./schemas";
import { touchConversation, type ConversationTouch } from "./touch-conversation";

// Snoozes further out than this are almost certainly a typo (a year instead of a day).
const MAX_SNOOZE_MS = 90 * 24 * 60 * 60 * 1000;

/** Hides the conversation until a time, or until the customer writes again (`until: null`). */
export async function snoozeConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string } & SnoozeInput;
}): Promise<{ status: "snoozed"; snoozed_until: string | null }> {
  const { conversationId, ...body } = input;
  const { until } = snoozeInput.parse(body);
  const wake = until ? new Date(until) : null;
  if (wake && wake.getTime() <= Date.now())
    throw new ValidationError("until must be in the future", { field: "until" });
  if (wake && wake.getTime() - Date.now() > MAX_SNOOZE_MS)
    throw new ValidationError("until must be within 90 days", { field: "until" });
  return actOnConversation(
    ctx,
    { conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.status === "resolved")
        throw new ConflictError("A resolved conversation cannot be snoozed");
      if (conversation.status === "bot")
        throw new ConflictError("The bot is handling this conversation; take it over before snoozing");
      const iso = wake?.toISOString() ?? null;
      await tx.execute(sql`
      update conversations set status = 'snoozed', snoozed_until = ${iso}::timestamptz where id = ${conversation.id}`);
      return {
        result: { status: "snoozed", snoozed_until: iso },
        event: { type: "snoozed", data: { until: iso } },
        audit: { action: "conversation.snoozed", data: { until: iso } },
      };
    },
  );
}

/** Wakes conversations whose snooze time has come (a minutely job on the workers). */
export async function wakeSnoozedConversations({ ctx }: { ctx: Ctx }): Promise<number> {
  assertCan(ctx.actor, "ingest:apply");
  const touches = await withTransaction(ctx, async (tx) => {
    const woken = await tx.execute<{ id: string; snoozed_until: string }>(sql`
      with due as (
        select id, snoozed_until from conversations
        where status = 'snoozed' and snoozed_until is not null and snoozed_until <= now()
        order by snoozed_until limit 500 for update skip locked
      )
      update conversations c set status = 'open', snoozed_until = null
      from due where c.id = due.id
      returning c.id, due.snoozed_until`);
    const result: ConversationTouch[] = [];
    for (const row of woken) {
      await tx.execute(sql`
        insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
        values (${row.id}, 'snooze_ended', 'system', 'snooze', ${JSON.stringify({ until: row.snoozed_until })}::jsonb, now())`);
      const touch = await touchConversation(tx, row.id);
      if (touch) result.push(touch);
    }
    return result;
  });
  for (const touch of touches) await publishConversationChanged({ ...touch, reason: "change" });
  return touches.length;
}
