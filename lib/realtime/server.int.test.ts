import crypto from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { endSession } from "@/lib/auth/sign-out";
import { createUser, disableUser, updateUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { sessionFor } from "@/tests/int/session-cookie";
import { SOCKET_PATH, type ConversationChanged } from "./events";
import { conversationEnvelope, numberEnvelope, publishMany } from "./publish";
import { attachRealtime } from "./server";
import { getSql } from "@/lib/db/client";

// Issue 7: disabling a user, a role change or an ended session drops that user's sockets within 5 s.
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

async function newUser(role: "admin" | "agent" = "agent") {
  return createUser({
    ctx: system,
    input: {
      email: `rt-${crypto.randomUUID()}@example.com`,
      name: "R",
      role,
      password: "correct horse battery staple",
    },
  });
}

/** A connected socket, plus when (ms after `since`) the server ended it and why. */
async function connected(cookie: string) {
  const socket = connect(base, {
    path: SOCKET_PATH,
    transports: ["websocket"],
    extraHeaders: { cookie },
    reconnection: false,
  });
  sockets.push(socket);
  const ended = { reason: null as string | null, at: 0, disconnected: false };
  socket.on("session.ended", (e) => (ended.reason = e.reason));
  socket.on("disconnect", () => {
    ended.disconnected = true;
    ended.at = Date.now();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, ended };
}

async function waitFor(check: () => boolean, ms: number) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe("socket revalidation", () => {
  it("refuses a handshake without a valid session", async () => {
    const socket = connect(base, { path: SOCKET_PATH, transports: ["websocket"], reconnection: false });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
    expect(error.message).toBe("unauthenticated");
  });

  it("drops the sockets of a disabled user, a role change and an ended session within 5 s, and no others", async () => {
    const admin = {
      actor: { type: "user" as const, id: (await newUser("admin")).id, role: "admin" as const, teamIds: [] },
    };
    const disabled = await newUser();
    const promoted = await newUser();
    const signedOut = await newUser();
    const bystander = await newUser();
    const a = await connected((await sessionFor(disabled.id)).cookie);
    const b = await connected((await sessionFor(promoted.id)).cookie);
    const cSession = await sessionFor(signedOut.id);
    const c = await connected(cSession.cookie);
    const d = await connected((await sessionFor(bystander.id)).cookie);

    const since = Date.now();
    await disableUser({ ctx: admin, input: { id: disabled.id } });
    await updateUser({ ctx: admin, input: { id: promoted.id, changes: { role: "supervisor" } } });
    await endSession({ userId: signedOut.id, sessionId: cSession.sessionId });

    expect(
      await waitFor(() => a.ended.disconnected && b.ended.disconnected && c.ended.disconnected, 5_000),
    ).toBe(true);
    for (const s of [a, b, c]) expect(s.ended.at - since).toBeLessThan(5_000);
    expect(a.ended.reason).toBe("disabled");
    expect(c.ended.reason).toBe("revoked");
    expect(b.ended.reason).not.toBeNull();
    expect(d.socket.connected).toBe(true);
  });
});

describe("batched publications", () => {
  it("relays every envelope of an ingest batch's NOTIFYs to its rooms, in order, as if each came alone", async () => {
    const admin = await newUser("admin");
    const agent = await newUser();
    const watcher = await connected((await sessionFor(admin.id)).cookie);
    const assignee = await connected((await sessionFor(agent.id)).cookie);
    const seen: ConversationChanged[] = [];
    const numbers: string[] = [];
    const mine: ConversationChanged[] = [];
    watcher.socket.on("conversation.changed", (e) => seen.push(e));
    watcher.socket.on("number.changed", (e) => numbers.push(e.number_id));
    assignee.socket.on("conversation.changed", (e) => mine.push(e));

    // Enough changes for several NOTIFY payloads (each under Postgres' 8000-byte cap).
    const changes = Array.from({ length: 200 }, (_, i) => ({
      conversationId: crypto.randomUUID(),
      teamId: null,
      assigneeId: i === 150 ? agent.id : null,
      seq: i + 1,
      messageId: crypto.randomUUID(),
      reason: "message" as const,
    }));
    const numberId = crypto.randomUUID();
    await publishMany([
      ...changes.map(conversationEnvelope),
      numberEnvelope({ number_id: numberId, reason: "history" }),
    ]);

    expect(await waitFor(() => seen.length === 200 && numbers.length === 1 && mine.length === 1, 5_000)).toBe(
      true,
    );
    expect(seen.map((e) => e.seq)).toEqual(changes.map((c) => c.seq));
    expect(seen[0]).toEqual({
      conversation_id: changes[0]!.conversationId,
      seq: 1,
      message_id: changes[0]!.messageId,
      reason: "message",
    });
    expect(numbers).toEqual([numberId]);
    expect(mine[0]?.conversation_id).toBe(changes[150]!.conversationId);
  });
});

describe("a lost LISTEN connection", () => {
  it("tells this process's sockets to resync once LISTEN is back, and relays again (T4b)", async () => {
    const admin = await newUser("admin");
    const watcher = await connected((await sessionFor(admin.id)).cookie);
    const resyncs: string[] = [];
    const seen: string[] = [];
    watcher.socket.on("realtime.resync", (e) => resyncs.push(e.reason));
    watcher.socket.on("conversation.changed", (e) => seen.push(e.conversation_id));

    // What a Postgres restart does to this process's LISTEN connections (the adapter's and ours).
    const sql = getSql();
    const ended = await sql<{ pid: number }[]>`
      select pg_terminate_backend(pid) as pid from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike 'listen%'`;
    expect(ended.length).toBeGreaterThan(0);

    expect(await waitFor(() => resyncs.length > 0, 10_000)).toBe(true);
    expect(resyncs).toEqual(["listen_restored"]);
    expect(watcher.socket.connected).toBe(true);

    const conversationId = crypto.randomUUID();
    await publishMany([
      conversationEnvelope({
        conversationId,
        teamId: null,
        assigneeId: null,
        seq: 1,
        messageId: crypto.randomUUID(),
        reason: "message",
      }),
    ]);
    expect(await waitFor(() => seen.includes(conversationId), 5_000)).toBe(true);
  });
});
