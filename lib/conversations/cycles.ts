import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

/** Opens a work cycle unless one is open already (the partial unique index makes this race-safe). */
export async function startCycle(tx: Tx, conversationId: string, at: Date, reopened: boolean): Promise<void> {
  await tx.execute(sql`
    insert into conversation_cycles (conversation_id, phone_number_id, team_id, assignee_id, started_at, reopened,
                                     first_assigned_at)
    select id, phone_number_id, team_id, assignee_id, ${at.toISOString()}::timestamptz, ${reopened},
      case when assignee_id is not null then ${at.toISOString()}::timestamptz end
    from conversations where id = ${conversationId}
    on conflict (conversation_id) where resolved_at is null do nothing`);
}

/** Closes the open cycle (resolve): reports read resolution time from it. */
export async function closeCycle(tx: Tx, conversationId: string, at: Date, by: string): Promise<void> {
  await tx.execute(sql`
    update conversation_cycles set resolved_at = ${at.toISOString()}::timestamptz, resolved_by = ${by}
    where conversation_id = ${conversationId} and resolved_at is null`);
}

/** Keeps the open cycle's owner in step with the conversation (per-agent and per-team reports). */
export async function syncCycleOwner(tx: Tx, conversationId: string): Promise<void> {
  await tx.execute(sql`
    update conversation_cycles y set team_id = c.team_id, assignee_id = c.assignee_id,
      first_assigned_at = coalesce(y.first_assigned_at, case when c.assignee_id is not null then now() end)
    from conversations c
    where c.id = ${conversationId} and y.conversation_id = c.id and y.resolved_at is null`);
}

/**
 * Someone answered the customer: nobody is waiting any more, and a human answer (an agent, or the owner
 * from the phone) is the cycle's first response. Bots clear the wait but do not count as a first response.
 */
export async function recordFirstResponse(
  tx: Tx,
  conversationId: string,
  at: Date,
  human: boolean,
): Promise<void> {
  if (!human) {
    await tx.execute(sql`
      update conversations set waiting_since = null where id = ${conversationId} and waiting_since is not null`);
    return;
  }
  // Echoes from the owner count as a response too (issue "routing": SLA): the wait ends, the response
  // clocks stop (as stopResponseClocks) and the cycle's first response is set, in one round trip.
  await tx.execute(sql`
    with answered as (
      update conversations set waiting_since = null, first_response_due_at = null, next_response_due_at = null
      where id = ${conversationId}
        and (waiting_since is not null or first_response_due_at is not null or next_response_due_at is not null)
    )
    update conversation_cycles set first_response_at = ${at.toISOString()}::timestamptz
    where conversation_id = ${conversationId} and resolved_at is null and first_response_at is null`);
}
