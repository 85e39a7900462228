import { Emitter } from "@socket.io/postgres-emitter";
import { databaseUrl } from "@/lib/db/client";
import { createPgPool } from "@/lib/db/pg-pool";
import type { ConversationChanged } from "./events";
import { SOCKET_TABLE } from "./events";
import { rooms } from "./rooms";

type Handle = { url: string; emitter: Emitter; close: () => Promise<void> };
const globalKey = Symbol.for("tandem.realtime.emitter");
const store = globalThis as unknown as { [globalKey]?: Handle };

/**
 * Publishes through Postgres NOTIFY so any process (web, worker, another instance) reaches every socket.
 * Call only after the transaction that made the change has committed.
 */
export async function publishConversationChanged(input: {
  conversationId: string;
  teamId: string | null;
  assigneeId: string | null;
  messageId?: string | null;
  reason: ConversationChanged["reason"];
}): Promise<void> {
  const event: ConversationChanged = { conversation_id: input.conversationId, reason: input.reason };
  if (input.messageId) event.message_id = input.messageId;
  const targets = [rooms.all, input.teamId ? rooms.team(input.teamId) : rooms.teamless];
  if (input.assigneeId) targets.push(rooms.user(input.assigneeId));
  try {
    emitter().to(targets).emit("conversation.changed", event);
  } catch (error) {
    // A lost nudge is recoverable (clients refetch on reconnect); a failed ingest is not. Never throw here.
    console.error(`[realtime] publish failed: ${(error as Error).message}`);
  }
}

export async function closePublisher(): Promise<void> {
  const current = store[globalKey];
  delete store[globalKey];
  await current?.close();
}

function emitter(): Emitter {
  const url = databaseUrl();
  const current = store[globalKey];
  if (current && current.url === url) return current.emitter;
  const pool = createPgPool(url, 2, "tandem-emitter");
  const created = { url, emitter: new Emitter(pool, "/", { tableName: SOCKET_TABLE }), close: () => pool.end() };
  store[globalKey] = created;
  return created.emitter;
}
