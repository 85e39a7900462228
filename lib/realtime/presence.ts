import { eq } from "drizzle-orm";
import type { Server, Socket } from "socket.io";
import type { Actor } from "@/lib/auth/actor";
import { getConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { isUuid } from "@/lib/utils/ids";
import type { ClientToServerEvents, ConversationPresence, ServerToClientEvents } from "./events";
import { rooms } from "./rooms";

// Collision: who else has a conversation open and who is typing in it. Ephemeral: nothing is stored;
// broadcasts go through the Postgres adapter, so agents on different web processes see each other.
// Clients repeat "view" while the thread is open and "typing" while keys are pressed; each state expires
// on the receiving side after its ttl, so a closed laptop or a killed tab fades out by itself.

/** A viewer who stops repeating `conversation.view` (every PRESENCE_HEARTBEAT_MS) is gone after this. */
export const VIEWING_TTL_MS = 30_000;
export const PRESENCE_HEARTBEAT_MS = 10_000;
/** "is typing…" lasts this long after the last keystroke ping. */
export const TYPING_TTL_MS = 5_000;

type PresenceSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  { actor: Actor }
>;

export function attachPresence(
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { actor: Actor }>,
) {
  io.on("connection", (socket: PresenceSocket) => {
    // The conversation this socket views (one per tab) and the viewer's display name.
    let viewing: string | null = null;
    let name: string | null = null;

    const announce = (conversationId: string, state: ConversationPresence["state"], ttl: number) => {
      const actor = socket.data.actor;
      if (actor?.type !== "user") return;
      socket.to(rooms.conversation(conversationId)).emit("conversation.presence", {
        conversation_id: conversationId,
        user_id: actor.id,
        name: name ?? "Someone",
        state,
        ttl_ms: ttl,
      });
    };

    const leave = () => {
      if (!viewing) return;
      announce(viewing, "left", 0);
      void socket.leave(rooms.conversation(viewing));
      viewing = null;
    };

    socket.on("conversation.view", async (input, ack) => {
      const conversationId = typeof input?.conversation_id === "string" ? input.conversation_id : "";
      const reply = typeof ack === "function" ? ack : () => {};
      if (!isUuid(conversationId)) return reply({ ok: false, error: "not_found" });
      // The same read permission as GET /api/v1/conversations/{id}, checked on each first join; the
      // heartbeat of a socket already in the room only re-announces it.
      if (viewing !== conversationId) {
        try {
          await getConversation({ ctx: { actor: socket.data.actor }, input: { id: conversationId } });
        } catch {
          return reply({ ok: false, error: "not_found" });
        }
        leave();
        name ??= await displayName(socket.data.actor);
        viewing = conversationId;
        await socket.join(rooms.conversation(conversationId));
      }
      announce(conversationId, "viewing", VIEWING_TTL_MS);
      reply({ ok: true });
    });

    socket.on("conversation.typing", (input) => {
      // Only into a room this socket was allowed to join.
      if (viewing && input?.conversation_id === viewing) announce(viewing, "typing", TYPING_TTL_MS);
    });

    socket.on("conversation.leave", () => leave());
    socket.on("disconnect", () => leave());
  });
}

async function displayName(actor: Actor): Promise<string> {
  if (actor.type !== "user") return "Someone";
  const [row] = await getDb().select({ name: users.name }).from(users).where(eq(users.id, actor.id)).limit(1);
  return row?.name ?? "Someone";
}
