import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { MetaError } from "@/lib/whatsapp/events";
import { applyPendingChanges } from "./apply-change";
import { startSlaClocks } from "@/lib/sla";
import { recordFirstResponse, startCycle } from "./cycles";
import { STATUS_ORDER_SQL } from "./status-order";

export type RecordedMessage = {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  seq: number;
  /** Null when the wamid was already stored: a duplicate delivery changes nothing. */
  messageId: string | null;
  /** The conversation's status after this message (null for a duplicate). */
  status: "bot" | "open" | "snoozed" | "resolved" | null;
};

export type NewMessage = {
  wamid: string;
  direction: "inbound" | "outbound";
  source: "customer" | "business_app" | "history" | "system";
  type: string;
  text: string | null;
  content: unknown;
  replyToWamid: string | null;
  timestamp: Date;
  errors?: MetaError[];
  /** For history messages: history_context.status as the initial receipt. */
  status?: "sent" | "delivered" | "read" | "played" | "failed" | null;
};

const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Stores a message in its conversation (one per contact and number), idempotent on wamid, and moves the
 * conversation on according to the message's source:
 * - customer: opens/extends the 24 h window, counts as unread, reopens a resolved conversation;
 * - business_app (echo): marks the owner as active, never touches the window (PROTOCOL.md §5.2);
 * - history: nothing but the list position by its original time (§5.4), and a new conversation starts resolved.
 * Statuses and reactions that arrived before the message are applied now.
 */
export async function recordMessage(
  tx: Tx,
  input: {
    numberId: string;
    defaultTeamId: string | null;
    contactId: string;
    message: NewMessage;
    /** A CSAT answer (lib/csat): the customer wrote (the window opens) but the conversation stays resolved. */
    keepResolved?: boolean;
  },
): Promise<RecordedMessage> {
  const { message } = input;
  // ISO strings, not Dates: drizzle's postgres.js setup does not serialise Date params in raw SQL.
  const at = message.timestamp.toISOString();
  // A number with an active bot greets new customers with it (status bot, not offered to humans yet).
  const initialStatus =
    message.source === "history"
      ? sql`'resolved'`
      : message.source === "customer"
        ? sql`case when exists (select 1 from bots where phone_number_id = ${input.numberId} and active) then 'bot' else 'open' end`
        : sql`'open'`;
  const error = message.errors?.[0] ?? null;
  // One round trip for the conversation upsert and the message insert; the flags say whether receipts or
  // edits arrived before this message, so the common case skips looking for them.
  const [row] = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
    created: boolean;
    message_id: string | null;
    early_statuses: boolean;
    early_changes: boolean;
  }>(sql`
    with conversation as (
      insert into conversations (contact_id, phone_number_id, team_id, status)
      values (${input.contactId}, ${input.numberId}, ${input.defaultTeamId}, (${initialStatus})::conversation_status)
      on conflict (contact_id, phone_number_id) do update set updated_at = conversations.updated_at
      returning id, team_id, assignee_id, (xmax = 0) as created
    ), inserted as (
      insert into messages (conversation_id, wamid, direction, source, type, text, content, reply_to_wamid,
                            timestamp, status, error)
      select conversation.id, ${message.wamid}, ${message.direction}::message_direction,
             ${message.source}::message_source, ${message.type}, ${message.text},
             ${JSON.stringify(message.content ?? null)}::jsonb, ${message.replyToWamid}, ${at}::timestamptz,
             ${message.status ?? null}::message_status, ${error ? JSON.stringify(error) : null}::jsonb
      from conversation
      on conflict (wamid) do nothing
      returning id
    )
    select conversation.*, (select id from inserted) as message_id,
      exists (select 1 from message_statuses where wamid = ${message.wamid}) as early_statuses,
      exists (select 1 from message_revisions where target_wamid = ${message.wamid} and applied_at is null)
        as early_changes
    from conversation`);
  if (!row) throw new Error("conversation upsert returned no row");
  const conversation = row;
  const inserted = row.message_id ? { id: row.message_id } : undefined;
  const base = {
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
  };
  if (!inserted) {
    // History media arrives later under the same wamid (PROTOCOL.md §5.4): fill in the placeholder.
    const [filled] = await tx.execute<{ id: string; seq: string }>(sql`
      with m as (
        update messages set type = ${message.type}, text = ${message.text},
          content = ${JSON.stringify(message.content ?? null)}::jsonb
        where wamid = ${message.wamid} and type = 'media_placeholder' and ${message.type} <> 'media_placeholder'
        returning id, conversation_id
      )
      update conversations c set seq = seq + 1 from m where c.id = m.conversation_id
      returning m.id, c.seq`);
    return { ...base, seq: Number(filled?.seq ?? 0), messageId: filled?.id ?? null, status: null };
  }

  if (message.direction === "outbound" && row.early_statuses) await applyEarlyStatuses(tx, message.wamid);
  if (row.early_changes) await applyPendingChanges(tx, message.wamid);

  const isCustomer = message.source === "customer";
  const isEcho = message.source === "business_app";
  // A customer message is work for agents (unread, waiting, reopen), except a survey answer.
  const reopens = isCustomer && !input.keepResolved;
  const windowExpiresAt = new Date(message.timestamp.getTime() + WINDOW_MS).toISOString();
  // Timestamps only move forward: a late, older message must not rewind the list order or the window.
  const [updated] = await tx.execute<{
    seq: string;
    status: RecordedMessage["status"];
    prev_status: string;
    prev_resolved: boolean;
    prev_answered: boolean;
  }>(sql`
    update conversations set
      last_message_preview = case when last_message_at is null or last_message_at <= ${at}::timestamptz
                                  then ${preview(message)} else last_message_preview end,
      last_message_at = greatest(last_message_at, ${at}::timestamptz),
      last_inbound_at = case when ${isCustomer} then greatest(last_inbound_at, ${at}::timestamptz) else last_inbound_at end,
      window_expires_at = case when ${isCustomer} then greatest(window_expires_at, ${windowExpiresAt}::timestamptz)
                               else window_expires_at end,
      unread_count = unread_count + case when ${reopens} then 1 else 0 end,
      -- A customer reopens a resolved conversation: back to the bot when the number's bot resumes after resolve.
      status = case when ${reopens} and status = 'resolved' and exists (
                      select 1 from bots b where b.phone_number_id = ${input.numberId} and b.active and b.resume_after_resolve)
                    then 'bot'::conversation_status
                    when ${reopens} and status in ('resolved', 'snoozed') then 'open'::conversation_status
                    else status end,
      owner_active_at = case when ${isEcho} then greatest(owner_active_at, ${at}::timestamptz) else owner_active_at end,
      -- Someone is waiting from the first unanswered customer message; the owner's answer ends the wait.
      waiting_since = case when ${reopens} then coalesce(waiting_since, ${at}::timestamptz)
                           when ${isEcho} then null else waiting_since end,
      snoozed_until = case when ${reopens} then null else snoozed_until end,
      resolved_at = case when ${reopens} then null else resolved_at end,
      seq = seq + 1,
      updated_at = now()
    from (select status as prev_status, resolved_at is not null as prev_resolved, waiting_since is null as prev_answered
          from conversations where id = ${conversation.id}) prev
    where id = ${conversation.id}
    returning seq, status, prev.prev_status, prev.prev_resolved, prev.prev_answered`);
  // A customer writing opens a work cycle unless one is open (after a resolve it counts as a reopen). Only
  // checked when nobody was already waiting, which an open cycle implies.
  if (reopens && (conversation.created || updated?.prev_answered || updated?.prev_status === "resolved")) {
    const newCycle = conversation.created || updated?.prev_status === "resolved";
    await startCycle(tx, conversation.id, message.timestamp, Boolean(updated?.prev_resolved));
    // A new wait starts the response clock (and a new cycle the resolution clock).
    await startSlaClocks(tx, { conversationId: conversation.id, at: message.timestamp, newCycle });
  }
  if (isEcho) await recordFirstResponse(tx, conversation.id, message.timestamp, true);
  return { ...base, seq: Number(updated?.seq ?? 0), messageId: inserted.id, status: updated?.status ?? null };
}

/**
 * Receipts that arrived before their message (PROTOCOL.md §1.3): the highest one wins now, and a failure's
 * error is kept when the message ranked below failed, as if they had been applied in rank order.
 */
export async function applyEarlyStatuses(tx: Tx, wamid: string) {
  const order = sql.raw(STATUS_ORDER_SQL);
  await tx.execute(sql`
    update messages m set status = best.status::text::message_status,
      error = coalesce(
        case when m.status is null or array_position(${order}, m.status::text) < array_position(${order}, 'failed')
             then (select error from message_statuses where wamid = ${wamid} and status = 'failed') end,
        m.error)
    from (
      select status from message_statuses where wamid = ${wamid}
      order by array_position(${order}, status::text) desc
      limit 1
    ) best
    where m.wamid = ${wamid}
      and (m.status is null or array_position(${order}, m.status::text) < array_position(${order}, best.status::text))`);
}

function preview(message: NewMessage): string {
  const text = message.text?.trim();
  if (text) return text.slice(0, 140);
  if (message.source === "business_app" && message.type === "unavailable") return "[sent from phone]";
  return `[${message.type}]`;
}
