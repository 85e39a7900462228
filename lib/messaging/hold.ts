import { sql } from "drizzle-orm";
import { touchMessages, type MessagesTouch } from "@/lib/conversations";
import { groupBy } from "@/lib/utils/group";
import type { Tx } from "@/lib/db/client";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { scheduleSend } from "./schedule";

// Campaign sends carry this priority in the queue (see SEND_PRIORITY in send-message.ts).
const CAMPAIGN_PRIORITY = 2;

const uuidArray = (ids: string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;

/**
 * Recalls sends that have not reached Meta yet (a paused campaign): they wait as `held` until
 * releaseHeldSends. A send already claimed by a worker (`sending`) is past recall and goes.
 */
export async function holdSends(tx: Tx, messageIds: string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const rows = await tx.execute(sql`
    update outbound_sends set state = 'held', hold_reason = 'campaign'
    where message_id = any(${uuidArray(messageIds)}) and state in ('queued', 'held')
    returning message_id`);
  return rows.length;
}

/** Puts sends held by holdSends back in the queue; call `wake` after commit to start them. */
export async function releaseHeldSends(tx: Tx, messageIds: string[]) {
  if (messageIds.length === 0) return { released: 0, wake: async () => {} };
  const rows = await tx.execute<{ message_id: string }>(sql`
    update outbound_sends set state = 'queued', hold_reason = null, next_attempt_at = now()
    where message_id = any(${uuidArray(messageIds)}) and state = 'held' and hold_reason = 'campaign'
    returning message_id`);
  return {
    released: rows.length,
    wake: async () => {
      for (const row of rows) await scheduleSend(row.message_id, { priority: CAMPAIGN_PRIORITY });
    },
  };
}

/**
 * Withdraws sends that have not reached Meta (a cancelled campaign): they fail with `info`, so the thread
 * and the campaign report say plainly that they were never sent. Call `publish` after commit.
 */
/** Our own reason for a message that never went to Meta (codes are words, so they never clash with Meta's). */
export type WithdrawReason = { code: string; title: string; hint: string };

export async function withdrawSends(tx: Tx, messageIds: string[], reason: WithdrawReason) {
  const info = { ...reason, retryable: false, action: "none" };
  if (messageIds.length === 0) return { withdrawn: [] as string[], publish: async () => {} };
  const rows = await tx.execute<{ message_id: string }>(sql`
    update outbound_sends set state = 'failed', hold_reason = null, lease_until = null, settled_at = now(),
      last_error = ${JSON.stringify(info)}::jsonb
    where message_id = any(${uuidArray(messageIds)}) and state in ('queued', 'held')
    returning message_id`);
  const withdrawn = rows.map((r) => r.message_id);
  if (withdrawn.length === 0) return { withdrawn, publish: async () => {} };
  const failed = await tx.execute<{ id: string; conversation_id: string }>(sql`
    update messages set status = 'failed', error = ${JSON.stringify(info)}::jsonb
    where id = any(${uuidArray(withdrawn)}) and wamid is null
    returning id, conversation_id`);
  const touches: MessagesTouch[] = [];
  for (const [conversationId, ids] of groupBy(
    failed,
    (row) => row.conversation_id,
    (row) => row.id,
  )) {
    const touch = await touchMessages(tx, conversationId, ids);
    if (touch) touches.push(touch);
  }
  return {
    withdrawn,
    publish: async () => {
      for (const touch of touches) await publishConversationChanged({ ...touch, reason: "status" });
    },
  };
}
