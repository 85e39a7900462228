import { getSql } from "@/lib/db/client";
import type {
  BoardChanged,
  CampaignChanged,
  ConversationChanged,
  NotificationCreated,
  NumberChanged,
  RealtimeBatch,
  RealtimeEnvelope,
} from "./events";
import { MESSAGE_IDS_LIMIT, REALTIME_CHANNEL } from "./events";
import { rooms } from "./rooms";

/**
 * Publishes through Postgres NOTIFY so any process (web, worker, another instance) reaches every socket;
 * each web process relays it to its own sockets (lib/realtime/server.ts). Call only after commit.
 */
export async function publishConversationChanged(input: ConversationChange): Promise<void> {
  await notify(conversationEnvelope(input));
}

export type ConversationChange = {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  seq: number;
  messageId?: string | null;
  /** The messages whose rows changed; more than MESSAGE_IDS_LIMIT are left out (clients then reload). */
  messageIds?: readonly string[];
  reason: ConversationChanged["reason"];
};

/** The envelope publishConversationChanged sends, for publishing several at once (publishMany). */
export function conversationEnvelope(input: ConversationChange): RealtimeEnvelope {
  const data: ConversationChanged = {
    conversation_id: input.conversationId,
    seq: input.seq,
    reason: input.reason,
  };
  if (input.messageId) data.message_id = input.messageId;
  const messageIds = [...new Set(input.messageIds ?? [])];
  if (messageIds.length > 0 && messageIds.length <= MESSAGE_IDS_LIMIT) data.message_ids = messageIds;
  const targets = [rooms.all, input.teamId ? rooms.team(input.teamId) : rooms.teamless];
  if (input.assigneeId) targets.push(rooms.user(input.assigneeId));
  return { rooms: targets, event: "conversation.changed", data };
}

/** The envelope publishNumberChanged sends. */
export function numberEnvelope(data: NumberChanged): RealtimeEnvelope {
  return { rooms: [rooms.all], event: "number.changed", data };
}

/** Number-level changes go to admins (the all-scope room). */
export async function publishNumberChanged(data: NumberChanged): Promise<void> {
  await notify(numberEnvelope(data));
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

// Postgres refuses a NOTIFY payload of 8000 bytes or more; leave room for the batch wrapper.
const PAYLOAD_LIMIT = 7_900;

/**
 * Sends many envelopes (in order) in as few NOTIFYs as fit under the payload cap, all in one statement: an
 * ingest batch's changes cost one round trip instead of one autocommit NOTIFY each. Receivers unpack a
 * batch and relay every envelope as if it had been sent alone, so clients see the same events.
 */
export async function publishMany(envelopes: RealtimeEnvelope[]): Promise<void> {
  const payloads = packEnvelopes(envelopes);
  if (payloads.length === 0) return;
  if (payloads.length === 1) return sendPayload(payloads[0]!);
  try {
    const sql = getSql();
    await sql`select count(pg_notify(${REALTIME_CHANNEL}, p)) from unnest(${sql.array(payloads)}::text[]) as t(p)`;
  } catch (error) {
    // As notify: a lost nudge is recoverable, a failed ingest is not.
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}

/** Envelopes as NOTIFY payloads: one alone stays a plain envelope, several fill batches up to the cap. */
export function packEnvelopes(envelopes: RealtimeEnvelope[], limit = PAYLOAD_LIMIT): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    if (chunk.length === 1) payloads.push(chunk[0]!);
    else if (chunk.length > 1) payloads.push(`{"batch":[${chunk.join(",")}]}`);
    chunk = [];
    size = 0;
  };
  for (const envelope of envelopes) {
    const json = JSON.stringify(envelope);
    // `{"batch":[` + `]}` + one comma per envelope; bytes, not UTF-16 units (a preview is not in here,
    // but team or room names could be non-ASCII one day).
    const bytes = Buffer.byteLength(json) + 1;
    if (chunk.length > 0 && size + bytes + 12 > limit) flush();
    chunk.push(json);
    size += bytes;
  }
  flush();
  return payloads;
}

/** What a payload holds: one envelope, or a batch of them (publishMany). */
export function unpackPayload(payload: string): RealtimeEnvelope[] {
  const parsed = JSON.parse(payload) as RealtimeEnvelope | RealtimeBatch;
  return "batch" in parsed ? parsed.batch : [parsed];
}

async function sendPayload(payload: string) {
  try {
    await getSql().notify(REALTIME_CHANNEL, payload);
  } catch (error) {
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}

async function notify(envelope: RealtimeEnvelope) {
  try {
    await getSql().notify(REALTIME_CHANNEL, JSON.stringify(envelope));
  } catch (error) {
    // A lost nudge is recoverable (clients refetch on reconnect); a failed ingest is not. Never throw here.
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}
