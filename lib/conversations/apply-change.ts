import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { MessageEdited, MessageRevoked } from "@/lib/whatsapp/events";
import { touchMessages, type MessagesTouch } from "./touch-conversation";

/**
 * An edit or a revoke: recorded once per change wamid with the content before and after, then applied to
 * the original if it is stored (otherwise when it arrives, see applyPendingChanges).
 */
export async function applyMessageChange(
  tx: Tx,
  event: MessageEdited | MessageRevoked,
): Promise<MessagesTouch | null> {
  const isEdit = event.kind === "message.edited";
  const [recorded] = await tx.execute<{ id: string }>(sql`
    insert into message_revisions (target_wamid, change_wamid, kind, by, next_text, next_content, changed_at)
    values (${event.originalWamid}, ${event.wamid}, ${isEdit ? "edit" : "revoke"}, ${event.by},
            ${isEdit ? event.next.text : null}, ${isEdit ? JSON.stringify(event.next.content ?? null) : null}::jsonb,
            ${event.timestamp.toISOString()}::timestamptz)
    on conflict (change_wamid) do nothing
    returning id`);
  if (!recorded) return null;
  const applied = await applyPendingChanges(tx, event.originalWamid);
  return applied ? touchMessages(tx, applied.conversationId, [applied.messageId]) : null;
}

/**
 * Applies the not-yet-applied changes of a message in the order they were made, keeping the content
 * each one replaced. Returns the message and its conversation when something was applied.
 */
export async function applyPendingChanges(
  tx: Tx,
  wamid: string,
): Promise<{ conversationId: string; messageId: string } | null> {
  const pending = await tx.execute<{
    id: string;
    kind: string;
    next_text: string | null;
    next_content: unknown;
    changed_at: string;
  }>(sql`
    select id, kind, next_text, next_content, changed_at from message_revisions
    where target_wamid = ${wamid} and applied_at is null
    order by changed_at, id`);
  let applied: { conversationId: string; messageId: string } | null = null;
  for (const change of pending) {
    const [message] = await tx.execute<{
      id: string;
      conversation_id: string;
      text: string | null;
      content: unknown;
    }>(sql`
      select id, conversation_id, text, content from messages where wamid = ${wamid} for update`);
    if (!message) return null;
    await tx.execute(sql`
      update message_revisions set previous_text = ${message.text},
        previous_content = ${JSON.stringify(message.content ?? null)}::jsonb, applied_at = now()
      where id = ${change.id}`);
    if (change.kind === "edit") {
      await tx.execute(sql`
        update messages set text = ${change.next_text}, content = ${JSON.stringify(change.next_content ?? null)}::jsonb,
          edited_at = ${change.changed_at}::timestamptz
        where wamid = ${wamid}`);
    } else {
      // Deleted for everyone: the text goes from the thread; the revision keeps what it was.
      await tx.execute(sql`
        update messages set text = null, content = null, revoked_at = ${change.changed_at}::timestamptz
        where wamid = ${wamid}`);
    }
    applied = { conversationId: message.conversation_id, messageId: message.id };
  }
  return applied;
}
