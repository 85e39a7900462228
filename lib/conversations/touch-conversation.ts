import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

export type ConversationTouch = {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  seq: number;
};

/** A touch caused by changes to some of the conversation's messages: its publish names them. */
export type MessagesTouch = ConversationTouch & { messageIds: string[] };

/** Bumps a conversation's sequence number (something in it changed) and returns what a publish needs. */
export async function touchConversation(tx: Tx, conversationId: string): Promise<ConversationTouch | null> {
  const [row] = await tx.execute<{
    id: string;
    team_id: string | null;
    assignee_id: string | null;
    seq: string;
  }>(sql`
    update conversations set seq = seq + 1, updated_at = now() where id = ${conversationId}
    returning id, team_id, assignee_id, seq`);
  return row
    ? { conversationId: row.id, teamId: row.team_id, assigneeId: row.assignee_id, seq: Number(row.seq) }
    : null;
}

/** touchConversation for a change to some of its messages, naming them for the publish. */
export async function touchMessages(
  tx: Tx,
  conversationId: string,
  messageIds: string[],
): Promise<MessagesTouch | null> {
  const touch = await touchConversation(tx, conversationId);
  return touch ? { ...touch, messageIds } : null;
}

/** Adds a timeline row (system event) once per dedupe key, and bumps the conversation. */
export async function addTimelineEvent(
  tx: Tx,
  input: {
    conversationId: string;
    type: string;
    actorType: string;
    actorId?: string | null;
    data?: unknown;
    at: Date;
    dedupeKey?: string;
  },
): Promise<ConversationTouch | null> {
  const [row] = await tx.execute<{ id: string }>(sql`
    insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at, dedupe_key)
    values (${input.conversationId}, ${input.type}, ${input.actorType}, ${input.actorId ?? null},
            ${JSON.stringify(input.data ?? null)}::jsonb, ${input.at.toISOString()}::timestamptz, ${input.dedupeKey ?? null})
    on conflict (dedupe_key) do nothing
    returning id`);
  return row ? touchConversation(tx, input.conversationId) : null;
}
