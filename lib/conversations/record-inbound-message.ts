import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { MessageReceived } from "@/lib/whatsapp/events";

export type RecordedMessage = {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  /** Null when the wamid was already stored: a duplicate delivery changes nothing. */
  messageId: string | null;
};

const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Stores a customer's message in its conversation (one per contact and number), idempotent on wamid.
 * Runs inside the ingest transaction; the caller publishes after commit.
 */
export async function recordInboundMessage(
  tx: Tx,
  input: { numberId: string; defaultTeamId: string | null; contactId: string; event: MessageReceived },
): Promise<RecordedMessage> {
  const { event } = input;
  // ISO strings, not Dates: drizzle's postgres.js setup does not serialise Date params in raw SQL.
  const at = event.timestamp.toISOString();
  const [conversation] = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
  }>(sql`
    insert into conversations (contact_id, phone_number_id, team_id, status)
    values (${input.contactId}, ${input.numberId}, ${input.defaultTeamId}, 'open')
    on conflict (contact_id, phone_number_id) do update set updated_at = conversations.updated_at
    returning id, team_id, assignee_id`);
  if (!conversation) throw new Error("conversation upsert returned no row");

  const [message] = await tx.execute<{ id: string }>(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, content, reply_to_wamid, timestamp)
    values (${conversation.id}, ${event.wamid}, 'inbound', 'customer', ${event.type}, ${event.text},
            ${JSON.stringify(event.content)}::jsonb, ${event.replyToWamid}, ${at}::timestamptz)
    on conflict (wamid) do nothing
    returning id`);
  const result = {
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
  };
  if (!message) return { ...result, messageId: null };

  // Timestamps only move forward: a late, older message must not rewind the list order or the window.
  const windowExpiresAt = new Date(event.timestamp.getTime() + WINDOW_MS).toISOString();
  await tx.execute(sql`
    update conversations set
      last_message_preview = case when last_message_at is null or last_message_at <= ${at}::timestamptz
                                  then ${preview(event)} else last_message_preview end,
      last_message_at = greatest(last_message_at, ${at}::timestamptz),
      last_inbound_at = greatest(last_inbound_at, ${at}::timestamptz),
      window_expires_at = greatest(window_expires_at, ${windowExpiresAt}::timestamptz),
      unread_count = unread_count + 1,
      status = case when status in ('resolved', 'snoozed') then 'open'::conversation_status else status end,
      updated_at = now()
    where id = ${conversation.id}`);
  return { ...result, messageId: message.id };
}

function preview(event: MessageReceived): string {
  const text = event.text?.trim();
  if (text) return text.slice(0, 140);
  return `[${event.type}]`;
}
