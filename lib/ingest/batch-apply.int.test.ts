import { count, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { conversations, messages, phoneNumbers, webhookEvents } from "@/lib/db/schema";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import { applyNextWebhookEvents, storeWebhookEvent } from "./index";

// The workers' path: many webhooks claimed and applied per transaction, by concurrent appliers.
useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "410000000000001",
  phoneNumberId: "150000000000001",
  displayNumber: "15550150001",
};
let seq = 0;
const wamid = () => `wamid.batch${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);
const person = (n: number): meta.Person => ({
  name: `Batch Person ${n}`,
  phone: `4477119${String(n).padStart(5, "0")}`,
  bsuid: `GB.${n}000333444`,
});
const text = (body: string): meta.Content => ({ type: "text", body });

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Batch team" } });
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 015 0001", coexistence: true, defaultTeamId: team.id },
  });
});

/** Stores bodies in the given order and returns their ids. */
async function store(bodies: (unknown | string)[]): Promise<number[]> {
  const ids: number[] = [];
  for (const body of bodies)
    ids.push(await storeWebhookEvent(Buffer.from(typeof body === "string" ? body : metaJson(body))));
  return ids;
}

/** Two appliers claiming small batches at the same time until nothing is pending. */
async function drainWithTwoAppliers(limit: number) {
  const lane = async () => {
    while ((await applyNextWebhookEvents({ ctx, input: { limit } })).length > 0);
  };
  await Promise.all([lane(), lane()]);
}

async function rowsOf(ids: number[]) {
  return getDb()
    .select({ id: webhookEvents.id, status: webhookEvents.status, error: webhookEvents.error })
    .from(webhookEvents)
    .where(inArray(webhookEvents.id, ids));
}

/** A deterministic shuffle, so a failure can be reproduced. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("batched apply (issue 5)", () => {
  it("applies each webhook once, keeps the highest status and early statuses, across two batch appliers", async () => {
    const people = [person(1), person(2), person(3)];
    const inbound = people.flatMap((p, n) =>
      Array.from({ length: 4 }, (_, i) =>
        meta.inboundMessage(biz, p, {
          id: wamid(),
          timestamp: ts(900 - n * 10 - i),
          content: text(`b-in ${n}.${i}`),
        }),
      ),
    );
    const echoes = people.map((p, n) => ({
      id: wamid(),
      envelope: (id: string) =>
        meta.messageEcho(biz, p, { id, timestamp: ts(800 - n), content: text(`b-echo ${n}`) }),
      person: p,
    }));
    const bodies: unknown[] = [];
    for (const [i, envelope] of inbound.entries())
      for (let copy = 0; copy <= i % 5; copy++) bodies.push(envelope);
    for (const echo of echoes) {
      bodies.push(echo.envelope(echo.id), echo.envelope(echo.id));
      // read, then sent, then delivered (and duplicates): the message must end "read", never go back.
      for (const status of ["read", "sent", "delivered", "read", "sent"] as const)
        bodies.push(
          meta.statusUpdate(biz, echo.person, { id: echo.id, status, timestamp: ts(), sentTo: "phone" }),
        );
    }
    // Statuses before their message half of the time: the order is shuffled, and appliers race.
    const ids = await store(shuffled(bodies, 7));
    await drainWithTwoAppliers(5);

    const [inCount] = await getDb()
      .select({ n: count() })
      .from(messages)
      .where(sql`${messages.text} like 'b-in %'`);
    expect(inCount?.n).toBe(inbound.length);
    const echoRows = await getDb()
      .select({ status: messages.status, source: messages.source })
      .from(messages)
      .where(
        inArray(
          messages.wamid,
          echoes.map((e) => e.id),
        ),
      );
    expect(echoRows).toHaveLength(echoes.length);
    for (const row of echoRows) expect(row).toEqual({ status: "read", source: "business_app" });
    const unread = await getDb()
      .select({ total: sql<number>`sum(${conversations.unreadCount})::int` })
      .from(conversations)
      .where(eq(conversations.phoneNumberId, (await numberId())!));
    expect(unread[0]?.total).toBe(inbound.length);
    const rows = await rowsOf(ids);
    expect(rows.filter((r) => r.status !== "processed")).toEqual([]);
  });

  it("fails a bad webhook alone, with its reason, while the rest of its batch applies", async () => {
    const p = person(10);
    const good = [0, 1, 2].map((i) =>
      meta.inboundMessage(biz, p, { id: wamid(), timestamp: ts(60 - i), content: text(`b-sib ${i}`) }),
    );
    const unknownNumber = meta.inboundMessage({ ...biz, phoneNumberId: "159999999999999" }, p, {
      id: wamid(),
      timestamp: ts(),
      content: text("b-nowhere"),
    });
    const ids = await store([good[0], "{not json", good[1], unknownNumber, good[2]]);
    const applied = await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
    expect(applied.map((a) => a.eventId).sort()).toEqual([...ids].sort());

    const rows = new Map((await rowsOf(ids)).map((r) => [r.id, r]));
    expect(rows.get(ids[1]!)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("not valid JSON"),
    });
    expect(rows.get(ids[3]!)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("unknown phone_number_id 159999999999999"),
    });
    for (const i of [0, 2, 4]) expect(rows.get(ids[i]!)).toMatchObject({ status: "processed", error: null });
    const [sibs] = await getDb()
      .select({ n: count() })
      .from(messages)
      .where(sql`${messages.text} like 'b-sib %'`);
    expect(sibs?.n).toBe(3);
  });

  it("redoes a big claim with a bad webhook in savepoints 32 at a time, the rest in the next batch", async () => {
    const p = person(30);
    const good = Array.from({ length: 40 }, (_, i) =>
      meta.inboundMessage(biz, p, { id: wamid(), timestamp: ts(300 - i), content: text(`b-big ${i}`) }),
    );
    const unknownNumber = meta.inboundMessage({ ...biz, phoneNumberId: "159999999999998" }, p, {
      id: wamid(),
      timestamp: ts(),
      content: text("b-lost"),
    });
    const ids = await store([...good.slice(0, 5), unknownNumber, ...good.slice(5)]);
    // The unknown number fails the fast pass. A savepoint per event for all 41 would overflow the subxid
    // cache: the first 32 go through the careful pass, the other 9 stay pending for the next batch.
    const first = await applyNextWebhookEvents({ ctx, input: { limit: 100 } });
    expect(first.map((a) => a.eventId)).toEqual(ids.slice(0, 32));
    const pendingAfterFirst = (await rowsOf(ids)).filter((r) => r.status === "pending").map((r) => r.id);
    expect(pendingAfterFirst.sort((a, b) => a - b)).toEqual(ids.slice(32));
    const second = await applyNextWebhookEvents({ ctx, input: { limit: 100 } });
    expect(second.map((a) => a.eventId)).toEqual(ids.slice(32));

    const rows = new Map((await rowsOf(ids)).map((r) => [r.id, r]));
    expect(rows.get(ids[5]!)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("unknown phone_number_id 159999999999998"),
    });
    for (const id of ids.filter((_, i) => i !== 5))
      expect(rows.get(id)).toMatchObject({ status: "processed", error: null });
    const [big] = await getDb()
      .select({ n: count() })
      .from(messages)
      .where(sql`${messages.text} like 'b-big %'`);
    expect(big?.n).toBe(40);
  });

  it("records the owner's app activity from echoes of a batch, and echoes never open the window", async () => {
    const p = person(20);
    const older = meta.messageEcho(biz, p, { id: wamid(), timestamp: ts(120), content: text("b-owner 1") });
    const newerAt = ts(60); // read once: a second boundary may pass before the check
    const newer = meta.messageEcho(biz, p, { id: wamid(), timestamp: newerAt, content: text("b-owner 2") });
    await store([newer, older]);
    await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
    const [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number?.lastAppActivityAt?.getTime()).toBe(Number(newerAt) * 1000);
    const [conversation] = await getDb()
      .select({ lastInboundAt: conversations.lastInboundAt })
      .from(conversations)
      .innerJoin(messages, eq(messages.conversationId, conversations.id))
      .where(eq(messages.text, "b-owner 1"));
    expect(conversation?.lastInboundAt ?? null).toBeNull();
  });
});

async function numberId() {
  const [row] = await getDb()
    .select({ id: phoneNumbers.id })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
  return row?.id;
}
