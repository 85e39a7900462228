import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { ReactionReceived } from "@/lib/whatsapp/events";
import { touchMessages, type MessagesTouch } from "./touch-conversation";

/**
 * One current reaction per reactor and target message; a newer one replaces it and "" removes it.
 * Keyed by the target wamid, so a reaction that arrives first attaches when the message is stored.
 */
export async function applyReaction(tx: Tx, event: ReactionReceived): Promise<MessagesTouch | null> {
  const [changed] = await tx.execute<{ wamid: string }>(sql`
    insert into message_reactions (target_wamid, reactor, emoji, wamid, timestamp)
    values (${event.targetWamid}, ${event.by}, ${event.emoji}, ${event.wamid}, ${event.timestamp.toISOString()}::timestamptz)
    on conflict (target_wamid, reactor) do update
      set emoji = excluded.emoji, wamid = excluded.wamid, timestamp = excluded.timestamp
      where message_reactions.timestamp < excluded.timestamp
    returning wamid`);
  if (!changed) return null;
  const [message] = await tx.execute<{ id: string; conversation_id: string }>(
    sql`select id, conversation_id from messages where wamid = ${event.targetWamid}`,
  );
  return message ? touchMessages(tx, message.conversation_id, [message.id]) : null;
}
