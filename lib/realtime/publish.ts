import { getSql } from "@/lib/db/client";
import type { ConversationChanged, RealtimeEnvelope } from "./events";
import { REALTIME_CHANNEL } from "./events";
import { rooms } from "./rooms";

/**
 * Publishes through Postgres NOTIFY so any process (web, worker, another instance) reaches every socket;
 * each web process relays it to its own sockets (lib/realtime/server.ts). Call only after commit.
 */
export async function publishConversationChanged(input: {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  messageId?: string | null;
  reason: ConversationChanged["reason"];
}): Promise<void> {
  const data: ConversationChanged = { conversation_id: input.conversationId, reason: input.reason };
  if (input.messageId) data.message_id = input.messageId;
  const targets = [rooms.all, input.teamId ? rooms.team(input.teamId) : rooms.teamless];
  if (input.assigneeId) targets.push(rooms.user(input.assigneeId));
  const envelope: RealtimeEnvelope = { rooms: targets, event: "conversation.changed", data };
  try {
    await getSql().notify(REALTIME_CHANNEL, JSON.stringify(envelope));
  } catch (error) {
    // A lost nudge is recoverable (clients refetch on reconnect); a failed ingest is not. Never throw here.
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}
