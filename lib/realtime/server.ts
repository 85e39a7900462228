import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import { Server } from "socket.io";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";
import { sessionFromHeaders } from "@/lib/auth/session";
import { loadSessions, sessionProblem } from "@/lib/auth/sessions";
import { createPgPool } from "@/lib/db/pg-pool";
import { markPresent } from "@/lib/routing/presence";
import { getDb, getSql } from "@/lib/db/client";
import {
  REALTIME_CHANNEL,
  SOCKET_PATH,
  SOCKET_TABLE,
  type ClientToServerEvents,
  type RealtimeEnvelope,
  type ServerToClientEvents,
} from "./events";
import { rooms } from "./rooms";
import { boardRoomsFor, boardRoomsOf, createBoardNudger } from "./board";
import { attachPresence } from "./presence";
import { unpackPayload } from "./publish";

type SocketData = {
  actor: Actor;
  /** What the socket was authenticated with; re-checked against the database every few seconds. */
  session: {
    userId: string;
    sessionId: string;
    sessionVersion: number;
    role: string;
    customRoleId: string | null;
  };
};
type TandemServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// Disabling a user, a role change, a revoked session or sign-out-everywhere drops that user's sockets on
// every web process within this interval plus one query (issue 7: within 5 s).
export const SOCKET_REVALIDATE_MS = 2_000;
const PRESENCE_HEARTBEAT_MS = 60_000;

/**
 * Socket.io on the app's HTTP server. Joins are decided by the same permissions as HTTP reads. The Postgres
 * adapter keeps server-side operations (disconnecting a user's sockets, fetchSockets) working across instances.
 */
const POOL_END_MS = 1_000;

export async function attachRealtime(httpServer: HttpServer, databaseUrl: string) {
  const pool = createPgPool(databaseUrl, 2, "tandem-realtime");
  const io: TandemServer = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Other upgrade requests (Next's dev HMR) are handled by Next, not destroyed.
    destroyUpgrade: false,
    // The handshake must come from our own pages (R14): no CORS for other origins.
    allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host)),
  });
  io.adapter(createAdapter(pool, { tableName: SOCKET_TABLE }));

  io.use(async (socket, next) => {
    try {
      const session = await sessionFromHeaders(socket.request.headers);
      // A session still owing MFA enrolment or a new password gets no live data either.
      if (!session || session.mfaPending || session.passwordChangeRequired)
        return next(new Error("unauthenticated"));
      socket.data.actor = session.actor;
      socket.data.session = {
        userId: session.actor.id,
        sessionId: session.sessionId,
        sessionVersion: session.sessionVersion,
        role: session.actor.role,
        customRoleId: session.customRoleId,
      };
      next();
    } catch {
      next(new Error("unauthenticated"));
    }
  });

  io.on("connection", (socket) => {
    void socket.join(roomsFor(socket.data.actor));
    // Every client→server event re-checks the session first.
    socket.use((_packet, next) => {
      sessionFromHeaders(socket.request.headers)
        .then((session) => {
          if (session && !session.mfaPending && session.sessionId === socket.data.session.sessionId) next();
          else endSocket(socket, "session_ended");
        })
        .catch(() => endSocket(socket, "session_check_failed"));
    });
  });

  let checking = false;
  const revalidate = setInterval(() => {
    if (checking) return;
    checking = true;
    void revalidateSockets(io)
      .catch((error: Error) => console.error(`[realtime] session re-check failed: ${error.message}`))
      .finally(() => (checking = false));
  }, SOCKET_REVALIDATE_MS);
  revalidate.unref();

  // Presence: every minute, the users with a tab open here are marked seen; a user no process has seen for
  // the workspace's auto-away time goes away (lib/routing/presence.ts), so they stop receiving work.
  const heartbeat = setInterval(() => {
    const userIds = [
      ...new Set(
        [...io.of("/").sockets.values()].flatMap((s) => (s.data.session ? [s.data.session.userId] : [])),
      ),
    ];
    void markPresent(userIds).catch((error: Error) => console.error(`[realtime] presence: ${error.message}`));
  }, PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();
  io.on("connection", (socket) => {
    if (socket.data.session) void markPresent([socket.data.session.userId]).catch(() => {});
  });
  // Collision: who views or types in a conversation, room joins checked like HTTP reads.
  attachPresence(io);

  // The supervisor board: joined on request with the board's own permission; its nudges are throttled per
  // room here, after the fan-out, so a burst of conversation events costs each board tab one refetch.
  io.on("connection", (socket) => {
    socket.on("board.join", (ack) => {
      const joined = boardRoomsFor(socket.data.actor);
      if (joined) void socket.join(joined);
      if (typeof ack === "function") ack({ ok: joined !== null });
    });
  });
  const board = createBoardNudger((room, event) => io.local.to(room).emit("board.changed", event));

  const relay = (envelope: RealtimeEnvelope) => {
    if (envelope.event === "board.changed") return board.nudge(envelope.rooms, envelope.data);
    if (envelope.event === "conversation.changed")
      board.nudge(boardRoomsOf(envelope.rooms), { reason: "conversation" });
    const local = io.local.to(envelope.rooms);
    if (envelope.event === "number.changed") local.emit("number.changed", envelope.data);
    else if (envelope.event === "campaign.changed") local.emit("campaign.changed", envelope.data);
    else if (envelope.event === "notification.created") local.emit("notification.created", envelope.data);
    else local.emit("conversation.changed", envelope.data);
  };
  // Every process publishes with NOTIFY; each web process relays to its own sockets only (local), so an
  // event reaches each socket once however many instances run.
  let listening = false;
  const subscription = await getSql().listen(
    REALTIME_CHANNEL,
    (payload) => {
      try {
        // An ingest batch sends its changes in one NOTIFY (publishMany): each goes out as if sent alone.
        for (const envelope of unpackPayload(payload)) relay(envelope);
      } catch (error) {
        console.error(`[realtime] bad notification: ${(error as Error).message}`);
      }
    },
    // postgres.js re-runs LISTEN after its connection drops (a Postgres restart, an outage) and calls this
    // each time. NOTIFYs sent while it was gone are lost, and this process's sockets stayed connected, so
    // nothing else would make them refetch: every one of them is told to (T4b).
    () => {
      if (listening) {
        console.warn(`[realtime] LISTEN restored: ${io.of("/").sockets.size} sockets told to resync`);
        io.local.emit("realtime.resync", { reason: "listen_restored" });
      }
      listening = true;
    },
  );

  return {
    io,
    close: async () => {
      clearInterval(revalidate);
      clearInterval(heartbeat);
      board.stop();
      await subscription.unlisten().catch(() => {});
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // Bounded: the adapter releases its LISTEN client on close only once that client finished connecting;
      // one still connecting (or reconnecting) stays checked out and pg's Pool.end() would wait for ever.
      await Promise.race([
        pool.end().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, POOL_END_MS)),
      ]);
    },
  };
}

/**
 * Checks this process's sockets against the database in one query over their distinct sessions, and drops
 * those whose session was revoked, expired or idled out, whose user was disabled, whose session version
 * moved on (sign out everywhere, admin changes) or whose role changed.
 */
export async function revalidateSockets(io: TandemServer, now: Date = new Date()): Promise<number> {
  const sockets = [...io.of("/").sockets.values()].filter((s) => s.data.session);
  if (sockets.length === 0) return 0;
  const rows = await loadSessions(getDb(), [...new Set(sockets.map((s) => s.data.session.sessionId))]);
  const byId = new Map(rows.map((r) => [r.sessionId, r]));
  let ended = 0;
  for (const socket of sockets) {
    const claims = socket.data.session;
    const row = byId.get(claims.sessionId);
    const problem =
      sessionProblem(row, claims, now) ??
      (row && (row.role !== claims.role || (row.customRoleId ?? null) !== claims.customRoleId)
        ? "role"
        : null);
    if (problem) {
      endSocket(socket, problem);
      ended += 1;
    }
  }
  return ended;
}

function endSocket(socket: Parameters<Parameters<TandemServer["on"]>[1]>[0], reason: string) {
  socket.emit("session.ended", { reason });
  socket.disconnect(true);
}

/** The rooms an actor may listen to, derived from the same permission check as HTTP reads. */
export function roomsFor(actor: Actor): string[] {
  if (actor.type !== "user" || !can(actor, "conversations:read")) return [];
  const joined = [rooms.user(actor.id)];
  if (actor.role === "admin") joined.push(rooms.all);
  else {
    for (const teamId of actor.teamIds)
      if (can(actor, "conversations:read", { teamId })) joined.push(rooms.team(teamId));
    if (can(actor, "conversations:read", { teamId: null })) joined.push(rooms.teamless);
  }
  if (can(actor, "campaigns:manage")) joined.push(rooms.campaigns);
  return joined;
}

function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // non-browser clients; the session cookie is still required
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
