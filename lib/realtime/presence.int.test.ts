import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BoardPresence } from "@/lib/board/schemas";
import { createTeam } from "@/lib/teams";
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
// The supervisor board hears the same presence in its rooms, scoped by the conversation's team.

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
  return { socket, seen: seen as BoardPresence[] };
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

describe("who is viewing what, on the board", () => {
  it("reaches a supervisor's board on another process, live and as a snapshot, and nobody else's", async () => {
    const supervisorId = ws.supervisor.type === "user" ? ws.supervisor.id : "";
    const agentId = ws.agent.type === "user" ? ws.agent.id : "";
    const other = await createTeam({ ctx: system, input: { name: "Board presence other" } });
    const stranger = await createUser({
      ctx: system,
      input: {
        email: "stranger-96@example.com",
        name: "Other Team Supervisor",
        role: "supervisor",
        password: "correct horse battery",
        teamIds: [other.id],
      },
    });
    // The board tab views no conversation: whatever it hears comes through the board rooms.
    const board = await client(supervisorId, 0);
    const strangerBoard = await client(stranger.id, 0);
    const agentBoard = await client(agentId, 1);
    expect(await board.socket.emitWithAck("board.join")).toEqual({ ok: true });
    expect(await strangerBoard.socket.emitWithAck("board.join")).toEqual({ ok: true });
    expect(await agentBoard.socket.emitWithAck("board.join")).toEqual({ ok: false });

    const bob = await client(bobId, 1);
    expect(await view(bob.socket, conversationId)).toEqual({ ok: true });
    expect(await waitFor(() => board.seen.some((e) => e.user_id === bobId && e.state === "viewing"))).toBe(
      true,
    );
    expect(board.seen.find((e) => e.user_id === bobId)).toMatchObject({
      conversation_id: conversationId,
      name: "Bob Teammate",
      contact_name: "Presence Pat",
    });
    bob.socket.emit("conversation.typing", { conversation_id: conversationId });
    expect(await waitFor(() => board.seen.some((e) => e.user_id === bobId && e.state === "typing"))).toBe(
      true,
    );

    // A board opened later, on the other process, learns at once who is already viewing.
    const late = await client(supervisorId, 0);
    expect(await late.socket.emitWithAck("board.join")).toEqual({ ok: true });
    expect(await waitFor(() => late.seen.some((e) => e.user_id === bobId && e.state === "viewing"))).toBe(
      true,
    );
    expect(late.seen.find((e) => e.user_id === bobId)?.contact_name).toBe("Presence Pat");
    // The other team's supervisor gets no such snapshot.
    const lateStranger = await client(stranger.id, 0);
    expect(await lateStranger.socket.emitWithAck("board.join")).toEqual({ ok: true });

    // Leaving reaches the board; the other team's supervisor and the agent heard nothing at all.
    bob.socket.emit("conversation.leave");
    expect(await waitFor(() => board.seen.some((e) => e.user_id === bobId && e.state === "left"))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(strangerBoard.seen).toEqual([]);
    expect(agentBoard.seen).toEqual([]);
    expect(lateStranger.seen).toEqual([]);
  });
});
