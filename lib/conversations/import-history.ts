import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { messages } from "@/lib/db/schema";
import type { HistoryMessage } from "@/lib/whatsapp/events";
import type { ConversationTouch } from "./touch-conversation";

export type ImportedThread = { touch: ConversationTouch; inserted: number; duplicates: number };

// Postgres caps a statement at 65,535 parameters; 11 columns per row.
const ROWS_PER_INSERT = 2_000;

const statusOf: Record<string, "sent" | "delivered" | "read" | "played" | "failed" | "queued"> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "played",
  error: "failed",
  pending: "queued",
};

/**
 * Imports one thread of the onboarding history (PROTOCOL.md §5.4) in bulk: original timestamps, deduped by
 * wamid against live messages, source "history". It never opens the 24 h window, never counts as unread,
 * and a conversation it creates starts resolved, so the inbox is not flooded with six months of chats.
 */
export async function importHistoryThread(
  tx: Tx,
  input: { numberId: string; defaultTeamId: string | null; contactId: string; messages: HistoryMessage[] },
): Promise<ImportedThread> {
  const [conversation] = await tx.execute<{ id: string }>(sql`
    insert into conversations (contact_id, phone_number_id, team_id, status)
    values (${input.contactId}, ${input.numberId}, ${input.defaultTeamId}, 'resolved')
    on conflict (contact_id, phone_number_id) do update set updated_at = conversations.updated_at
    returning id`);
  if (!conversation) throw new Error("conversation upsert returned no row");

  let inserted = 0;
  for (let start = 0; start < input.messages.length; start += ROWS_PER_INSERT) {
    const rows = input.messages.slice(start, start + ROWS_PER_INSERT).map((m) => ({
      conversationId: conversation.id,
      wamid: m.wamid,
      direction: m.direction,
      source: "history" as const,
      type: m.type,
      text: m.text,
      content: m.content ?? null,
      replyToWamid: m.replyToWamid,
      timestamp: m.timestamp,
      status: m.direction === "outbound" && m.status ? (statusOf[m.status] ?? null) : null,
    }));
    const result = await tx
      .insert(messages)
      .values(rows)
      .onConflictDoNothing({ target: messages.wamid })
      .returning({ id: messages.id });
    inserted += result.length;
  }

  const newest = input.messages.reduce<HistoryMessage | undefined>(
    (a, m) => (!a || m.timestamp > a.timestamp ? m : a),
    undefined,
  );
  const at = newest?.timestamp.toISOString() ?? null;
  const preview = newest ? (newest.text?.trim().slice(0, 140) ?? `[${newest.type}]`) : null;
  // The list position follows the original times; a live message newer than the history keeps its place.
  const [row] = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
    seq: string;
  }>(sql`
    update conversations set
      last_message_preview = case when ${at}::timestamptz is not null and (last_message_at is null or last_message_at < ${at}::timestamptz)
                                  then ${preview} else last_message_preview end,
      last_message_at = greatest(last_message_at, ${at}::timestamptz),
      seq = seq + case when ${inserted} > 0 then 1 else 0 end
    where id = ${conversation.id}
    returning id, team_id, assignee_id, seq`);
  return {
    touch: {
      conversationId: conversation.id,
      teamId: row?.team_id ?? null,
      assigneeId: row?.assignee_id ?? null,
      seq: Number(row?.seq ?? 0),
    },
    inserted,
    duplicates: input.messages.length - inserted,
  };
}
