import crypto from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { setMyAvailability } from "@/lib/routing";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { sessionFor } from "@/tests/int/session-cookie";
import {
  SOCKET_PATH,
  type BoardChanged,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "./events";
import { publishBoardChanged, publishConversationChanged } from "./publish";
import { attachRealtime } from "./server";

// The board room: joined only with conversations:assign, scoped like the board, nudged by conversation
// events (throttled) and by publishBoardChanged, through real Postgres NOTIFY.
const db = useTestDatabase();
const system = { actor: systemActor("test") };
let http: Server;
let realtime: Awaited<ReturnType<typeof attachRealtime>>;
let base: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  http = createServer();
  realtime = await attachRealtime(http, db.url);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await realtime?.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

async function person(role: "supervisor" | "agent", teamIds: string[]) {
  const user = await createUser({
    ctx: system,
    input: {
      email: `board-${crypto.randomUUID()}@example.com`,
      name: role,
      role,
      password: "correct horse battery staple",
      teamIds,
    },
  });
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(base, {
    path: SOCKET_PATH,
    transports: ["websocket"],
    extraHeaders: { cookie: (await sessionFor(user.id)).cookie },
    reconnection: false,
  });
  sockets.push(socket);
  const heard: BoardChanged[] = [];
  socket.on("board.changed", (e) => heard.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const joined = await socket.emitWithAck("board.join");
  return { socket, heard, joined, userId: user.id };
}

async function until(check: () => boolean) {
  while (!check()) await new Promise((r) => setTimeout(r, 25));
}

describe("the board room", () => {
  it("admits supervisors only, nudges them for their teams' conversations, and folds a burst", async () => {
    const mine = await createTeam({ ctx: system, input: { name: "Board mine" } });
    const other = await createTeam({ ctx: system, input: { name: "Board other" } });
    const supervisor = await person("supervisor", [mine.id]);
    const elsewhere = await person("supervisor", [other.id]);
    const agent = await person("agent", [mine.id]);
    expect(supervisor.joined).toEqual({ ok: true });
    expect(agent.joined).toEqual({ ok: false });

    const change = (seq: number) =>
      publishConversationChanged({
        conversationId: crypto.randomUUID(),
        teamId: mine.id,
        assigneeId: null,
        seq,
        reason: "assignment",
      });
    await change(1);
    await until(() => supervisor.heard.length === 1);
    expect(supervisor.heard[0]).toEqual({ reason: "conversation" });

    // Twenty changes at once reach the board as the leading nudge's trailing partner, not twenty.
    for (let i = 2; i < 22; i++) await change(i);
    await until(() => supervisor.heard.length >= 2);
    await publishBoardChanged([mine.id], { reason: "availability" });
    await until(() => supervisor.heard.at(-1)?.reason === "availability");
    expect(supervisor.heard.length).toBeLessThanOrEqual(4);

    // A supervisor of another team and an agent hear none of it.
    expect(elsewhere.heard).toEqual([]);
    expect(agent.heard).toEqual([]);
  });

  it("hears an agent's availability change, and only on that agent's teams' boards", async () => {
    const mine = await createTeam({ ctx: system, input: { name: "Board availability" } });
    const other = await createTeam({ ctx: system, input: { name: "Board availability other" } });
    const supervisor = await person("supervisor", [mine.id]);
    const elsewhere = await person("supervisor", [other.id]);
    const agent = await person("agent", [mine.id]);
    const actor: Actor = { type: "user", id: agent.userId, role: "agent", teamIds: [mine.id] };
    await setMyAvailability({ ctx: { actor }, input: { availability: "online" } });
    await until(() => supervisor.heard.some((e) => e.reason === "availability"));
    expect(elsewhere.heard).toEqual([]);
  });
});
