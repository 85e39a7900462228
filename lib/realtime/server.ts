import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import { Server } from "socket.io";
import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";
import { actorFromHeaders } from "@/lib/auth/session";
import { createPgPool } from "@/lib/db/pg-pool";
import { getSql } from "@/lib/db/client";
import {
  REALTIME_CHANNEL,
  SOCKET_PATH,
  SOCKET_TABLE,
  type ClientToServerEvents,
  type RealtimeEnvelope,
  type ServerToClientEvents,
} from "./events";
import { rooms } from "./rooms";

type SocketData = { actor: Actor };

/**
 * Socket.io on the app's HTTP server. Joins are decided by the same permissions as HTTP reads. The Postgres
 * adapter keeps server-side operations (disconnecting a user's sockets, fetchSockets) working across instances.
 */
export async function attachRealtime(httpServer: HttpServer, databaseUrl: string) {
  const pool = createPgPool(databaseUrl, 2, "tandem-realtime");
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    {
      path: SOCKET_PATH,
      serveClient: false,
      // Other upgrade requests (Next's dev HMR) are handled by Next, not destroyed.
      destroyUpgrade: false,
      // The handshake must come from our own pages (R14): no CORS for other origins.
      allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host)),
    },
  );
  io.adapter(createAdapter(pool, { tableName: SOCKET_TABLE }));

  io.use(async (socket, next) => {
    try {
      const actor = await actorFromHeaders(socket.request.headers);
      if (!actor) return next(new Error("unauthenticated"));
      socket.data.actor = actor;
      next();
    } catch {
      next(new Error("unauthenticated"));
    }
  });

  io.on("connection", (socket) => {
    void socket.join(roomsFor(socket.data.actor));
  });

  // Every process publishes with NOTIFY; each web process relays to its own sockets only (local), so an
  // event reaches each socket once however many instances run.
  const subscription = await getSql().listen(REALTIME_CHANNEL, (payload) => {
    try {
      const envelope = JSON.parse(payload) as RealtimeEnvelope;
      const local = io.local.to(envelope.rooms);
      if (envelope.event === "number.changed") local.emit("number.changed", envelope.data);
      else if (envelope.event === "campaign.changed") local.emit("campaign.changed", envelope.data);
      else if (envelope.event === "notification.created") local.emit("notification.created", envelope.data);
      else local.emit("conversation.changed", envelope.data);
    } catch (error) {
      console.error(`[realtime] bad notification: ${(error as Error).message}`);
    }
  });

  return {
    io,
    close: async () => {
      await subscription.unlisten().catch(() => {});
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.end().catch(() => {});
    },
  };
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
