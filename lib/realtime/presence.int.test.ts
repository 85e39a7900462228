import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { sessionFor } from "@/tests/int/session-cookie";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import {
  SOCKET_PATH,
  type ClientToServerEvents,
  type ConversationPresence,
  type ServerToClientEvents,
} from "./events";
import { attachRealtime } from "./server";

// Collision across two web processes (two Socket.io servers on one database, joined by the Postgres
// adapter): viewers and typists see each other, a user who may not read the conversation is kept out.

const db = useTestDatabase();
const { ws, customer } = useSimWorkspace("96");
type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const servers: { http: Server; realtime: Awaited<ReturnType<typeof attachRealtime>>; base: string }[] = [];
const sockets: Client[] = [];
let conversationId: string;
let bobId: string;

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const http = createServer();
    const realtime = await attachRealtime(http, db.url);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    servers.push({ http, realtime, base: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  }
  conversationId = (await customer({ name: "Presence Pat", text: "hello" })).conversationId;
  const bob = await createUser({
    ctx: system,
    input: {
      email: "bob-96@example.com",
      name: "Bob Teammate",
      role: "agent",
      password: "correct horse battery",
      teamIds: [ws.teamId],
    },
  });
  bobId = bob.id;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const { http, realtime } of servers) {
    await realtime.close();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

async function client(userId: string, server: number) {
  const socket: Client = connect(servers[server]!.base, {
    path: SOCKET_PATH,
    transports: ["websocket"],
    extraHeaders: { cookie: (await sessionFor(userId)).cookie },
    reconnection: false,
  });
  sockets.push(socket);
  const seen: ConversationPresence[] = [];
  socket.on("conversation.presence", (event) => seen.push(event));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, seen };
}

const view = (socket: Client, id: string) =>
  new Promise<{ ok: boolean }>((resolve) =>
    socket.emit("conversation.view", { conversation_id: id }, resolve),
  );

async function waitFor(check: () => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

describe("conversation presence", () => {
  it("shows viewing, typing and leaving across processes, and keeps out who may not read it", async () => {
    const sue = await client(ws.supervisor.type === "user" ? ws.supervisor.id : "", 0);
    const bob = await client(bobId, 1);
    const al = await client(ws.agent.type === "user" ? ws.agent.id : "", 1);

    expect(await view(sue.socket, conversationId)).toEqual({ ok: true });
    expect(await view(bob.socket, conversationId)).toEqual({ ok: true });
    expect(await waitFor(() => sue.seen.some((e) => e.user_id === bobId && e.state === "viewing"))).toBe(
      true,
    );
    expect(sue.seen.find((e) => e.user_id === bobId)).toMatchObject({
      conversation_id: conversationId,
      name: "Bob Teammate",
    });

    // Al (another team) is refused, and his typing pings reach nobody.
    expect(await view(al.socket, conversationId)).toEqual({ ok: false, error: "not_found" });
    al.socket.emit("conversation.typing", { conversation_id: conversationId });
    bob.socket.emit("conversation.typing", { conversation_id: conversationId });
    expect(await waitFor(() => sue.seen.some((e) => e.user_id === bobId && e.state === "typing"))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(sue.seen.filter((e) => e.user_id !== bobId)).toEqual([]);
    // Nobody echoes a socket's own presence back to it.
    expect(bob.seen.filter((e) => e.user_id === bobId)).toEqual([]);

    // A closed tab leaves at once.
    bob.socket.disconnect();
    expect(await waitFor(() => sue.seen.some((e) => e.user_id === bobId && e.state === "left"))).toBe(true);
  });
});
