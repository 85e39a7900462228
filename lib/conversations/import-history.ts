import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { HistoryMessage } from "@/lib/whatsapp/events";
import type { ConversationTouch } from "./touch-conversation";

export type ImportedThread = { touch: ConversationTouch; inserted: number; duplicates: number };

const statusOf: Record<string, "sent" | "delivered" | "read" | "played" | "failed" | "queued"> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "played",
  error: "failed",
  pending: "queued",
};

// Text goes to Postgres inside one JSON parameter, where a lone surrogate would be an error; as a plain
// parameter it became U+FFFD (UTF-8 encoding), so it still does. Node has toWellFormed; ES2023 types don't.
const wellFormed = (value: string) => (value as string & { toWellFormed(): string }).toWellFormed();
const wellFormedOrNull = (value: string | null | undefined) => (value == null ? null : wellFormed(value));

/**
 * Imports one chunk of the onboarding history (PROTOCOL.md §5.4) in bulk: original timestamps, deduped by
 * wamid against live messages, source "history". It never opens the 24 h window, never counts as unread,
 * and a conversation it creates starts resolved, so the inbox is not flooded with six months of chats.
 * Set-based (BENCHMARKS.md T6): one statement upserts the chunk's conversations, one inserts all its
 * messages, one updates the conversations, whatever the number of threads. The result is the same as
 * importing the threads one after another, one result per thread in the input's order.
 */
export async function importHistoryChunk(
  tx: Tx,
  input: {
    numberId: string;
    defaultTeamId: string | null;
    threads: { contactId: string; messages: HistoryMessage[] }[];
  },
): Promise<ImportedThread[]> {
  if (input.threads.length === 0) return [];
  // Distinct: one upsert statement may not touch a row twice (two threads of one person).
  const contactIds = [...new Set(input.threads.map((t) => t.contactId))];
  const upserted = await tx.execute<{ id: string; contact_id: string }>(sql`
    insert into conversations (contact_id, phone_number_id, team_id, status)
    select c, ${input.numberId}::uuid, ${input.defaultTeamId}::uuid, 'resolved'::conversation_status
    from unnest(${`{${contactIds.join(",")}}`}::uuid[]) as c
    on conflict (contact_id, phone_number_id) do update set updated_at = conversations.updated_at
    returning id, contact_id`);
  const conversationOf = new Map(upserted.map((row) => [row.contact_id, row.id]));
  const conversationIds = input.threads.map((t) => {
    const id = conversationOf.get(t.contactId);
    if (!id) throw new Error("conversation upsert returned no row");
    return id;
  });

  // Rows in thread order, so `arrival` numbers them as importing thread after thread did. A wamid seen
  // twice in the chunk is inserted for its first thread only, so that thread is the one it counts for.
  const firstThreadOf = new Map<string, number>();
  const rows: Record<string, unknown>[] = [];
  for (const [t, thread] of input.threads.entries())
    for (const m of thread.messages) {
      const wamid = wellFormed(m.wamid);
      if (!firstThreadOf.has(wamid)) firstThreadOf.set(wamid, t);
      rows.push({
        c: conversationIds[t],
        w: wamid,
        d: m.direction,
        t: wellFormed(m.type),
        x: wellFormedOrNull(m.text),
        j: m.content ?? null,
        r: wellFormedOrNull(m.replyToWamid),
        s: m.timestamp.toISOString(),
        st: m.direction === "outbound" && m.status ? (statusOf[m.status] ?? null) : null,
      });
    }
  const inserted = input.threads.map(() => 0);
  if (rows.length > 0) {
    const added = await tx.execute<{ wamid: string }>(sql`
      insert into messages (conversation_id, wamid, direction, source, type, text, content, reply_to_wamid, timestamp, status)
      select r.c, r.w, r.d::message_direction, 'history'::message_source, r.t, r.x, r.j, r.r, r.s, r.st::message_status
      from json_to_recordset(${JSON.stringify(rows)}::json)
        as r(c uuid, w text, d text, t text, x text, j jsonb, r text, s timestamptz, st text)
      on conflict (wamid) do nothing
      returning wamid`);
    for (const row of added) {
      const t = firstThreadOf.get(row.wamid);
      if (t !== undefined) inserted[t]! += 1;
    }
  }

  // Per conversation, what the threads' updates in turn would leave: the newest time, the preview of the
  // first thread that reached it, one seq bump per thread that inserted rows.
  const updates = new Map<string, { at: Date | null; preview: string | null; bumps: number }>();
  for (const [t, thread] of input.threads.entries()) {
    const id = conversationIds[t]!;
    const update = updates.get(id) ?? { at: null, preview: null, bumps: 0 };
    updates.set(id, update);
    if (inserted[t]! > 0) update.bumps += 1;
    const newest = thread.messages.reduce<HistoryMessage | undefined>(
      (a, m) => (!a || m.timestamp > a.timestamp ? m : a),
      undefined,
    );
    if (newest && (!update.at || newest.timestamp > update.at)) {
      update.at = newest.timestamp;
      update.preview = wellFormed(newest.text?.trim().slice(0, 140) ?? `[${newest.type}]`);
    }
  }
  const values = [...updates].map(([id, u]) => ({
    id,
    at: u.at?.toISOString() ?? null,
    preview: u.preview,
    bumps: u.bumps,
  }));
  // The list position follows the original times; a live message newer than the history keeps its place.
  const touched = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
    seq: string;
  }>(sql`
    update conversations c set
      last_message_preview = case when v.at is not null and (c.last_message_at is null or c.last_message_at < v.at)
                                  then v.preview else c.last_message_preview end,
      last_message_at = greatest(c.last_message_at, v.at),
      seq = c.seq + v.bumps
    from json_to_recordset(${JSON.stringify(values)}::json) as v(id uuid, at timestamptz, preview text, bumps int)
    where c.id = v.id
    returning c.id, c.team_id, c.assignee_id, c.seq`);
  const touchOf = new Map(touched.map((row) => [row.id, row]));
  return input.threads.map((thread, t) => {
    const row = touchOf.get(conversationIds[t]!);
    return {
      touch: {
        conversationId: conversationIds[t]!,
        teamId: row?.team_id ?? null,
        assigneeId: row?.assignee_id ?? null,
        seq: Number(row?.seq ?? 0),
      },
      inserted: inserted[t]!,
      duplicates: thread.messages.length - inserted[t]!,
    };
  });
}
