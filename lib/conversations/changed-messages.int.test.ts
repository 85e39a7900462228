import { inArray } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getMessagesRoute } from "@/app/api/v1/conversations/[id]/messages/route";
import { systemActor, type UserActor } from "@/lib/auth/actor";
import { getDb, getSql } from "@/lib/db/client";
import { conversations, messages } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { applyNextWebhookEvents, storeWebhookEvent } from "@/lib/ingest";
import { addNumber } from "@/lib/numbers";
import { REALTIME_CHANNEL, type ConversationChanged } from "@/lib/realtime/events";
import { unpackPayload } from "@/lib/realtime/publish";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { listMessages } from "./index";

// Issue 8: conversation.changed names the messages whose rows changed (message_ids), and an open thread
// re-reads just those (GET …/messages?ids=), on real Postgres, through the route a browser calls.

useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "440000000000001",
  phoneNumberId: "180000000000001",
  displayNumber: "15550180001",
};
let seq = 0;
const wamid = () => `wamid.cm${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);
let people = 0;
const person = (): meta.Person => {
  const n = people++;
  return { name: `Changed ${n}`, phone: `4477231${String(n).padStart(5, "0")}`, bsuid: `GB.${n}000777888` };
};
const echo = (p: meta.Person, id: string, secondsAgo: number, text = `echo ${id}`) =>
  meta.messageEcho(biz, p, { id, timestamp: ts(secondsAgo), content: { type: "text", body: text } });
const receipt = (p: meta.Person, id: string, status: meta.StatusName) =>
  meta.statusUpdate(biz, p, { id, status, timestamp: ts(), sentTo: "phone" });

let teamId = "";
let otherTeamId = "";
let otherAgent: UserActor;
const published: ConversationChanged[] = [];
const flushes = new Set<string>();
let unlisten: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Changed team" } });
  const other = await createTeam({ ctx, input: { name: "Changed other team" } });
  teamId = team.id;
  otherTeamId = other.id;
  otherAgent = { type: "user", id: crypto.randomUUID(), role: "agent", teamIds: [other.id] };
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 018 0001", coexistence: true, defaultTeamId: team.id },
  });
  const subscription = await getSql().listen(REALTIME_CHANNEL, (payload) => {
    for (const envelope of unpackPayload(payload))
      if (envelope.event === "conversation.changed") published.push(envelope.data);
      else if (envelope.event === "board.changed") flushes.add(envelope.rooms[0]!);
  });
  unlisten = () => subscription.unlisten();
});

afterAll(async () => {
  await unlisten?.();
});

/**
 * Stores the bodies, then applies them in one batch (one claim, one transaction), and returns once this
 * listener has heard everything the batch published (NOTIFYs reach a listener in commit order).
 */
async function applyAsOneBatch(bodies: unknown[]) {
  for (const body of bodies) await storeWebhookEvent(Buffer.from(metaJson(body)));
  const applied = await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
  const marker = `flush:${crypto.randomUUID()}`;
  await getSql().notify(
    REALTIME_CHANNEL,
    JSON.stringify({ rooms: [marker], event: "board.changed", data: { reason: "conversation" } }),
  );
  await expect.poll(() => flushes.has(marker)).toBe(true);
  return applied;
}

async function rowsOf(wamids: string[]) {
  const rows = await getDb()
    .select({ id: messages.id, wamid: messages.wamid, conversationId: messages.conversationId })
    .from(messages)
    .where(inArray(messages.wamid, wamids));
  const byWamid = new Map(rows.map((r) => [r.wamid, r]));
  return wamids.map((w) => byWamid.get(w)!);
}

async function seqOf(conversationId: string): Promise<number> {
  const [row] = await getDb()
    .select({ seq: conversations.seq })
    .from(conversations)
    .where(inArray(conversations.id, [conversationId]));
  return Number(row!.seq);
}

/** The events published for a conversation since `from` (an index into `published`). */
function eventsFor(conversationId: string, from: number) {
  return published.slice(from).filter((e) => e.conversation_id === conversationId);
}

describe("conversation.changed names the messages whose rows changed", () => {
  it("a batch of receipts: one event per conversation naming the messages it raised, seq as before", async () => {
    const ann = person();
    const bob = person();
    const [a1, a2, a3, b1] = [wamid(), wamid(), wamid(), wamid()];
    await applyAsOneBatch([echo(ann, a1, 30), echo(ann, a2, 20), echo(ann, a3, 10), echo(bob, b1, 10)]);
    const [m1, m2, m3, n1] = await rowsOf([a1, a2, a3, b1]);
    await applyAsOneBatch([receipt(ann, a3, "read")]);
    const before = { ann: await seqOf(m1!.conversationId), bob: await seqOf(n1!.conversationId) };

    const from = published.length;
    const applied = await applyAsOneBatch([
      receipt(ann, a1, "delivered"),
      receipt(bob, b1, "delivered"),
      receipt(ann, a2, "read"),
      receipt(ann, a1, "read"),
      // Lower than what a3 has: raises nothing, so a3 is not named.
      receipt(ann, a3, "delivered"),
    ]);
    for (const outcome of applied) expect(outcome).toMatchObject({ state: "processed", failures: [] });

    const [annEvent, ...annMore] = eventsFor(m1!.conversationId, from);
    expect(annMore).toEqual([]);
    expect(annEvent).toMatchObject({ reason: "status", seq: before.ann + 1 });
    expect(annEvent!.message_ids!.sort()).toEqual([m1!.id, m2!.id].sort());
    expect(annEvent!.message_ids).not.toContain(m3!.id);
    expect(await seqOf(m1!.conversationId)).toBe(before.ann + 1);
    const [bobEvent] = eventsFor(n1!.conversationId, from);
    expect(bobEvent).toMatchObject({ reason: "status", seq: before.bob + 1, message_ids: [n1!.id] });
  });

  it("the careful pass (a savepoint per event): each receipt's event names its message", async () => {
    const cy = person();
    const [c1, c2] = [wamid(), wamid()];
    await applyAsOneBatch([echo(cy, c1, 20), echo(cy, c2, 10)]);
    const [m1, m2] = await rowsOf([c1, c2]);
    const before = await seqOf(m1!.conversationId);
    const from = published.length;
    // A message for a number nobody added fails for good: the batch is redone with savepoints.
    const nowhere = meta.inboundMessage({ ...biz, phoneNumberId: "189999999999999" }, cy, {
      id: wamid(),
      timestamp: ts(),
      content: { type: "text", body: "lost" },
    });
    const applied = await applyAsOneBatch([receipt(cy, c1, "read"), nowhere, receipt(cy, c2, "delivered")]);
    expect(applied.map((a) => a.state)).toEqual(["processed", "failed", "processed"]);
    const events = eventsFor(m1!.conversationId, from);
    expect(events.map((e) => [e.reason, e.seq, e.message_ids])).toEqual([
      ["status", before + 1, [m1!.id]],
      ["status", before + 2, [m2!.id]],
    ]);
  });

  it("more than 50 messages raised in a conversation: the event names none (the client reloads)", async () => {
    const dee = person();
    const ids = Array.from({ length: 51 }, () => wamid());
    await applyAsOneBatch(ids.map((id, n) => echo(dee, id, 200 - n)));
    const [first] = await rowsOf(ids.slice(0, 1));
    const from = published.length;
    await applyAsOneBatch(ids.map((id) => receipt(dee, id, "delivered")));
    const [event, ...more] = eventsFor(first!.conversationId, from);
    expect(more).toEqual([]);
    expect(event!.reason).toBe("status");
    expect(event!.message_ids).toBeUndefined();
  });

  it("a failed receipt names no rows (a failure may add a timeline row): the client reloads", async () => {
    const fin = person();
    const [f1, f2] = [wamid(), wamid()];
    await applyAsOneBatch([echo(fin, f1, 20), echo(fin, f2, 10)]);
    const [m1] = await rowsOf([f1]);
    const from = published.length;
    const failed = meta.statusUpdate(biz, fin, {
      id: f2,
      status: "failed",
      timestamp: ts(),
      sentTo: "phone",
      errors: [meta.errorObject(131026, "Message undeliverable", "Simulated")],
    });
    await applyAsOneBatch([receipt(fin, f1, "delivered"), failed]);
    const [event, ...more] = eventsFor(m1!.conversationId, from);
    expect(more).toEqual([]);
    expect(event!.reason).toBe("status");
    expect(event!.message_ids).toBeUndefined();
  });

  it("an edit, a revoke and a reaction name the message they changed", async () => {
    const eve = person();
    const [original, other] = [wamid(), wamid()];
    const says = (id: string, content: meta.Content) =>
      meta.inboundMessage(biz, eve, { id, timestamp: ts(), content });
    await applyAsOneBatch([
      says(original, { type: "text", body: "hello" }),
      says(other, { type: "text", body: "bye" }),
    ]);
    const [m1, m2] = await rowsOf([original, other]);
    const from = published.length;
    await applyAsOneBatch([
      says(wamid(), { type: "edit", originalMessageId: original, message: { type: "text", body: "hello!" } }),
      says(wamid(), { type: "reaction", messageId: other, emoji: "👍" }),
      says(wamid(), { type: "revoke", originalMessageId: other }),
    ]);
    const events = eventsFor(m1!.conversationId, from);
    expect(events.map((e) => [e.reason, e.message_ids])).toEqual([
      ["change", [m1!.id]],
      ["reaction", [m2!.id]],
      ["change", [m2!.id]],
    ]);
  });
});

describe("GET /api/v1/conversations/:id/messages?ids=", () => {
  const call = (id: string, query: string, cookie: string) =>
    getMessagesRoute(
      new NextRequest(`http://localhost/api/v1/conversations/${id}/messages?${query}`, {
        headers: { cookie },
      }),
      { params: Promise.resolve({ id }) },
    );

  it("returns just the named messages of this conversation, in thread order, as they are now", async () => {
    const fay = person();
    const gus = person();
    const [f1, f2, f3, g1] = [wamid(), wamid(), wamid(), wamid()];
    await applyAsOneBatch([echo(fay, f1, 30), echo(fay, f2, 20), echo(fay, f3, 10), echo(gus, g1, 10)]);
    await applyAsOneBatch([receipt(fay, f3, "read")]);
    const [m1, , m3, other] = await rowsOf([f1, f2, f3, g1]);
    const conversationId = m1!.conversationId;
    const ids = [m3!.id, m1!.id, other!.id, crypto.randomUUID(), m3!.id.toUpperCase()].join(",");
    const page = await listMessages({ ctx: { actor: ctx.actor }, input: { conversationId, ids } });
    expect(page.next_cursor).toBeNull();
    // Another conversation's message and an id of no message are absent; a repeat comes once.
    expect(page.data.map((m) => [m.id, m.status])).toEqual([
      [m1!.id, null],
      [m3!.id, "read"],
    ]);

    const cookie = await cookieForNewUser("admin");
    const res = await call(conversationId, `ids=${m3!.id}`, cookie);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [page.data[1]], next_cursor: null });
  });

  it("is scoped like the thread: the other team's agent gets 404, as for a conversation that is not there", async () => {
    const hal = person();
    const h1 = wamid();
    await applyAsOneBatch([echo(hal, h1, 10)]);
    const [m1] = await rowsOf([h1]);
    await expect(
      listMessages({
        ctx: { actor: otherAgent },
        input: { conversationId: m1!.conversationId, ids: m1!.id },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const inTeam = { ...otherAgent, teamIds: [teamId] };
    const page = await listMessages({
      ctx: { actor: inTeam },
      input: { conversationId: m1!.conversationId, ids: m1!.id },
    });
    expect(page.data.map((m) => m.id)).toEqual([m1!.id]);

    const res = await call(
      m1!.conversationId,
      `ids=${m1!.id}`,
      await cookieForNewUser("agent", { teamIds: [otherTeamId] }),
    );
    expect(res.status).toBe(404);
  });

  it("422 naming ids when malformed, empty, more than 50, or combined with cursor or after", async () => {
    const ivy = person();
    const i1 = wamid();
    await applyAsOneBatch([echo(ivy, i1, 10)]);
    const [m1] = await rowsOf([i1]);
    const cookie = await cookieForNewUser("admin");
    const many = Array.from({ length: 51 }, () => crypto.randomUUID()).join(",");
    const fifty = Array.from({ length: 50 }, () => crypto.randomUUID()).join(",");
    const cursor = Buffer.from(JSON.stringify({ at: new Date().toISOString(), id: m1!.id })).toString(
      "base64url",
    );
    const cases = [
      "ids=",
      "ids=not-a-uuid",
      `ids=${m1!.id},`,
      `ids=${m1!.id};${m1!.id}`,
      `ids=${many}`,
      `ids=${m1!.id}&after=${m1!.id}`,
      `ids=${m1!.id}&cursor=${cursor}`,
    ];
    for (const query of cases) {
      const res = await call(m1!.conversationId, query, cookie);
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as { error: { code: string; field: string } };
      expect(body.error, query).toMatchObject({ code: "validation_failed", field: "ids" });
    }
    expect((await call(m1!.conversationId, `ids=${fifty}`, cookie)).status).toBe(200);
  });
});
