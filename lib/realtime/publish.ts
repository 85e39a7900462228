import { getSql } from "@/lib/db/client";
import type {
  BoardChanged,
  CampaignChanged,
  ConversationChanged,
  NotificationCreated,
  NumberChanged,
  RealtimeEnvelope,
} from "./events";
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
  seq: number;
  messageId?: string | null;
  reason: ConversationChanged["reason"];
}): Promise<void> {
  const data: ConversationChanged = {
    conversation_id: input.conversationId,
    seq: input.seq,
    reason: input.reason,
  };
  if (input.messageId) data.message_id = input.messageId;
  const targets = [rooms.all, input.teamId ? rooms.team(input.teamId) : rooms.teamless];
  if (input.assigneeId) targets.push(rooms.user(input.assigneeId));
  await notify({ rooms: targets, event: "conversation.changed", data });
}

/** Number-level changes go to admins (the all-scope room). */
export async function publishNumberChanged(data: NumberChanged): Promise<void> {
  await notify({ rooms: [rooms.all], event: "number.changed", data });
}

/** Campaign state and progress go to everyone who may manage campaigns. */
export async function publishCampaignChanged(data: CampaignChanged): Promise<void> {
  await notify({ rooms: [rooms.campaigns], event: "campaign.changed", data });
}

/**
 * Something on the supervisor board moved that no conversation event carries (an agent's availability or
 * capacity): the board rooms of the agent's teams and admins' refetch. Conversation changes reach the
 * board without this (the socket server derives board nudges from conversation.changed).
 */
export async function publishBoardChanged(teamIds: string[], data: BoardChanged): Promise<void> {
  await notify({
    rooms: [rooms.boardAll, ...teamIds.map((id) => rooms.boardTeam(id))],
    event: "board.changed",
    data,
  });
}

/** A notification reaches only its user's sockets. */
export async function publishNotification(userId: string, data: NotificationCreated): Promise<void> {
  await notify({ rooms: [rooms.user(userId)], event: "notification.created", data });
}

async function notify(envelope: RealtimeEnvelope) {
  try {
    await getSql().notify(REALTIME_CHANNEL, JSON.stringify(envelope));
  } catch (error) {
    // A lost nudge is recoverable (clients refetch on reconnect); a failed ingest is not. Never throw here.
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}
