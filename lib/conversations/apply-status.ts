import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { StatusUpdated } from "@/lib/whatsapp/events";
import { STATUS_ORDER_SQL } from "./status-order";

/** Prefix of biz_opaque_callback_data on our sends; shared with lib/messaging (which imports it from here). */
export const CALLBACK_PREFIX = "tandem:";
import { touchMessages, type ConversationTouch, type MessagesTouch } from "./touch-conversation";
import { pgTextArray } from "@/lib/db/text-array";
import { isUuid } from "@/lib/utils/ids";

/**
 * Records a receipt once per (wamid, status) and raises the message's status if it ranks higher. A receipt
 * for a message not stored yet waits in message_statuses and is applied when the message appears.
 */
export async function applyStatus(tx: Tx, event: StatusUpdated): Promise<MessagesTouch | null> {
  const error = event.errors[0] ?? null;
  const [stored] = await tx.execute<{ wamid: string }>(sql`
    insert into message_statuses (wamid, status, timestamp, error, pricing)
    values (${event.wamid}, ${event.status}::status_name, ${event.timestamp.toISOString()}::timestamptz,
            ${error ? JSON.stringify(error) : null}::jsonb, ${event.pricing ? JSON.stringify(event.pricing) : null}::jsonb)
    on conflict (wamid, status) do nothing
    returning wamid`);
  if (!stored) return null;
  await linkCallback(tx, event);
  const order = sql.raw(STATUS_ORDER_SQL);
  const [message] = await tx.execute<{ id: string; conversation_id: string }>(sql`
    update messages set
      status = ${event.status}::message_status,
      error = case when ${event.status} = 'failed' then coalesce(${error ? JSON.stringify(error) : null}::jsonb, error)
                   else error end
    where wamid = ${event.wamid}
      and (status is null or array_position(${order}, status::text) < array_position(${order}, ${event.status}::text))
    returning id, conversation_id`);
  return message ? touchMessages(tx, message.conversation_id, [message.id]) : null;
}

/**
 * Our sends carry `tandem:<message id>` as biz_opaque_callback_data. If the worker died after Meta accepted
 * a send but before it stored the wamid, the first status links them here, so the sweep never resends it.
 */
async function linkCallback(tx: Tx, event: StatusUpdated) {
  const data = event.bizOpaqueCallbackData;
  const id = data?.startsWith(CALLBACK_PREFIX) ? data.slice(CALLBACK_PREFIX.length) : null;
  if (!id || !isUuid(id)) return;
  await tx.execute(sql`
    update messages set wamid = ${event.wamid}
    where id = ${id} and wamid is null and direction = 'outbound'
      and not exists (select 1 from messages other where other.wamid = ${event.wamid})`);
}

/**
 * applyStatus for a whole batch of receipts in three statements instead of three per receipt (BENCHMARKS.md
 * T3): each (wamid, status) is recorded once, callbacks are linked, and every message is raised to the
 * highest of its new receipts, never lowered. Same end state as applying them one by one in rank order:
 * a failure's error is kept when the message ranked below failed before. Receipts for messages not stored
 * yet wait in message_statuses, as with applyStatus. Returns wamid → conversation and id of each message raised.
 * Rows are written and locked in wamid order, so concurrent batches cannot deadlock on them.
 */
export async function applyStatuses(tx: Tx, events: StatusUpdated[]): Promise<Map<string, RaisedMessage>> {
  const raised = new Map<string, RaisedMessage>();
  // One row per (wamid, status): the first wins, as when applied one by one.
  const unique = new Map<string, StatusUpdated>();
  const keyOf = (wamid: string, status: string) => `${wamid}\u0000${status}`;
  for (const event of events) {
    const key = keyOf(event.wamid, event.status);
    if (!unique.has(key)) unique.set(key, event);
  }
  if (unique.size === 0) return raised;
  const rows = [...unique.values()].map((event) => ({
    wamid: event.wamid,
    status: event.status,
    timestamp: event.timestamp.toISOString(),
    error: event.errors[0] ?? null,
    pricing: event.pricing,
  }));
  const stored = await tx.execute<{ wamid: string; status: string; error: unknown }>(sql`
    insert into message_statuses (wamid, status, timestamp, error, pricing)
    select v.wamid, v.status::status_name, v.timestamp, v.error, v.pricing
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as v(wamid text, status text, timestamp timestamptz, error jsonb, pricing jsonb)
    order by v.wamid collate "C", v.status collate "C"
    on conflict (wamid, status) do nothing
    returning wamid, status::text, error`);
  if (stored.length === 0) return raised;
  await linkCallbacks(
    tx,
    stored.map((row) => unique.get(keyOf(row.wamid, row.status))!),
  );
  const order = sql.raw(STATUS_ORDER_SQL);
  const updated = await tx.execute<{ id: string; wamid: string; conversation_id: string }>(sql`
    with new as (
      select wamid, max(array_position(${order}, status)) as rank,
             bool_or(status = 'failed') as failed,
             (array_agg(error) filter (where status = 'failed'))[1] as failed_error
      from jsonb_to_recordset(${JSON.stringify(stored)}::jsonb) as n(wamid text, status text, error jsonb)
      group by wamid
    ), locked as materialized (
      -- By an array of wamids, not a join with the receipts: the planner guessed 100 rows for
      -- jsonb_to_recordset and hashed the whole messages table (two sequential scans per batch).
      select m.id, m.wamid from messages m
      where m.wamid = any(${pgTextArray([...new Set(stored.map((row) => row.wamid))])}::text[])
      order by m.wamid collate "C" for update of m
    )
    update messages m set
      status = (${order})[new.rank]::message_status,
      error = case when new.failed and (m.status is null
                     or array_position(${order}, m.status::text) < array_position(${order}, 'failed'))
                   then coalesce(new.failed_error, m.error) else m.error end
    from locked join new on new.wamid = locked.wamid
    where m.id = locked.id
      and (m.status is null or array_position(${order}, m.status::text) < new.rank)
    returning m.id, m.wamid, m.conversation_id`);
  for (const row of updated)
    raised.set(row.wamid, { conversationId: row.conversation_id, messageId: row.id });
  return raised;
}

export type RaisedMessage = { conversationId: string; messageId: string };

/** linkCallback for many receipts in one statement (only when some carry our callback data). */
async function linkCallbacks(tx: Tx, events: StatusUpdated[]) {
  const links = new Map<string, string>();
  for (const event of events) {
    const data = event.bizOpaqueCallbackData;
    const id = data?.startsWith(CALLBACK_PREFIX) ? data.slice(CALLBACK_PREFIX.length) : null;
    if (id && isUuid(id) && !links.has(event.wamid)) links.set(event.wamid, id);
  }
  if (links.size === 0) return;
  const rows = [...links].map(([wamid, id]) => ({ wamid, id }));
  await tx.execute(sql`
    update messages m set wamid = v.wamid
    from (select distinct on (id) id, wamid from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as r(wamid text, id uuid) order by id, wamid) v
    where m.id = v.id and m.wamid is null and m.direction = 'outbound'
      and not exists (select 1 from messages other where other.wamid = v.wamid)`);
}

/**
 * touchConversation for several conversations in one statement, locking them in the given order (the
 * caller's lock order for conversation rows, so concurrent batches do not deadlock).
 */
export async function touchConversationsInOrder(
  tx: Tx,
  conversationIds: string[],
): Promise<ConversationTouch[]> {
  if (conversationIds.length === 0) return [];
  const rows = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
    seq: string;
  }>(sql`
    with locked as materialized (
      select c.id, u.n from unnest(${`{${conversationIds.join(",")}}`}::uuid[]) with ordinality as u(id, n)
      join conversations c on c.id = u.id
      order by u.n for update of c
    )
    update conversations c set seq = c.seq + 1, updated_at = now()
    from locked where c.id = locked.id
    returning c.id, c.team_id, c.assignee_id, c.seq`);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return conversationIds.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [{ conversationId: row.id, teamId: row.team_id, assigneeId: row.assignee_id, seq: Number(row.seq) }]
      : [];
  });
}
