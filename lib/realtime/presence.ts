import { eq } from "drizzle-orm";
import type { Server, Socket } from "socket.io";
import type { Actor } from "@/lib/auth/actor";
import { getConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { isUuid } from "@/lib/utils/ids";
import type { BoardPresence } from "@/lib/board/schemas";
import { boardRoomsFor, boardRoomsOfTeam } from "./board";
import type { ClientToServerEvents, ConversationPresence, ServerToClientEvents } from "./events";
import { rooms } from "./rooms";

// Collision: who else has a conversation open and who is typing in it. Ephemeral: nothing is stored;
// broadcasts go through the Postgres adapter, so agents on different web processes see each other.
// Clients repeat "view" while the thread is open and "typing" while keys are pressed; each state expires
// on the receiving side after its ttl, so a closed laptop or a killed tab fades out by itself.
// The supervisor board hears the same events (with the contact's name) in the board rooms of the
// conversation's team, so "who is viewing what" needs no extra traffic from the agents' tabs.

/** A viewer who stops repeating `conversation.view` (every PRESENCE_HEARTBEAT_MS) is gone after this. */
export const VIEWING_TTL_MS = 30_000;
export const PRESENCE_HEARTBEAT_MS = 10_000;
/** "is typing…" lasts this long after the last keystroke ping. */
export const TYPING_TTL_MS = 5_000;

/** Every socket viewing a conversation, on any process: a board that joins asks them for a snapshot. */
const VIEWERS_ROOM = "presence:viewers";

/** What a viewing socket carries in socket.data (serialised to other processes by fetchSockets). */
type Viewing = {
  conversation_id: string;
  contact_name: string;
  name: string;
  /** The board rooms of the conversation's team: who may see this entry on the board. */
  board_rooms: string[];
};

type PresenceData = { actor: Actor; viewing?: Viewing };
type PresenceSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PresenceData>;

export function attachPresence(
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PresenceData>,
) {
  io.on("connection", (socket: PresenceSocket) => {
    // The conversation this socket views (one per tab) and the viewer's display name.
    let viewing: string | null = null;
    let name: string | null = null;

    const announce = (conversationId: string, state: ConversationPresence["state"], ttl: number) => {
      const actor = socket.data.actor;
      if (actor?.type !== "user") return;
      const event: BoardPresence = {
        conversation_id: conversationId,
        user_id: actor.id,
        name: name ?? "Someone",
        state,
        ttl_ms: ttl,
        contact_name: socket.data.viewing?.contact_name ?? "",
      };
      // One emit to both audiences: a board tab that also has this thread open hears it once.
      socket
        .to([rooms.conversation(conversationId), ...(socket.data.viewing?.board_rooms ?? [])])
        .emit("conversation.presence", event);
    };

    const leave = () => {
      if (!viewing) return;
      announce(viewing, "left", 0);
      void socket.leave(rooms.conversation(viewing));
      void socket.leave(VIEWERS_ROOM);
      delete socket.data.viewing;
      viewing = null;
    };

    socket.on("conversation.view", async (input, ack) => {
      const conversationId = typeof input?.conversation_id === "string" ? input.conversation_id : "";
      const reply = typeof ack === "function" ? ack : () => {};
      if (!isUuid(conversationId)) return reply({ ok: false, error: "not_found" });
      // The same read permission as GET /api/v1/conversations/{id}, checked on each first join; the
      // heartbeat of a socket already in the room only re-announces it.
      if (viewing !== conversationId) {
        let conversation: Awaited<ReturnType<typeof getConversation>>;
        try {
          conversation = await getConversation({
            ctx: { actor: socket.data.actor },
            input: { id: conversationId },
          });
        } catch {
          return reply({ ok: false, error: "not_found" });
        }
        leave();
        name ??= await displayName(socket.data.actor);
        viewing = conversationId;
        socket.data.viewing = {
          conversation_id: conversationId,
          contact_name: conversation.contact.name,
          name,
          board_rooms: boardRoomsOfTeam(conversation.team_id),
        };
        await socket.join([rooms.conversation(conversationId), VIEWERS_ROOM]);
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

    // A board that opens (or reconnects) would otherwise wait for the next heartbeat to learn who views
    // what: send it the viewers it may see, from every process. server.ts answers the join itself.
    socket.on("board.join", () => {
      const scope = boardRoomsFor(socket.data.actor);
      if (scope) void sendViewers(io, socket, new Set(scope)).catch(() => {});
    });
  });
}

async function sendViewers(
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, PresenceData>,
  board: PresenceSocket,
  scope: ReadonlySet<string>,
) {
  const viewers = await io.in(VIEWERS_ROOM).fetchSockets();
  for (const viewer of viewers) {
    const { actor, viewing } = viewer.data;
    if (viewer.id === board.id || actor?.type !== "user" || !viewing) continue;
    if (!viewing.board_rooms.some((room) => scope.has(room))) continue;
    const event: BoardPresence = {
      conversation_id: viewing.conversation_id,
      user_id: actor.id,
      name: viewing.name,
      state: "viewing",
      ttl_ms: VIEWING_TTL_MS,
      contact_name: viewing.contact_name,
    };
    board.emit("conversation.presence", event);
  }
}

async function displayName(actor: Actor): Promise<string> {
  if (actor.type !== "user") return "Someone";
  const [row] = await getDb().select({ name: users.name }).from(users).where(eq(users.id, actor.id)).limit(1);
  return row?.name ?? "Someone";
}
