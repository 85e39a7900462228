import crypto from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb, getSql } from "@/lib/db/client";
import { contacts, messages, webhookDeliveries } from "@/lib/db/schema";
import { createEndpoint } from "@/lib/integrations";
import { addNumber } from "@/lib/numbers";
import { REALTIME_CHANNEL, type ConversationChanged } from "@/lib/realtime/events";
import { unpackPayload } from "@/lib/realtime/publish";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import { applyNextWebhookEvents, storeWebhookEvent } from "./index";

// Issue 5: what a batch folds into one statement (senders read ahead, integration events queued together)
// must come out as if each message had been applied alone.
useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "430000000000001",
  phoneNumberId: "170000000000001",
  displayNumber: "15550170001",
};
let seq = 0;
const wamid = () => `wamid.be${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = () => String(Math.floor(Date.now() / 1000));
const inbound = (p: meta.Person, text: string, id = wamid()) =>
  meta.inboundMessage(biz, p, { id, timestamp: ts(), content: { type: "text", body: text } });

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Batch team" } });
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 017 0001", coexistence: true, defaultTeamId: team.id },
  });
});

/** Stores the bodies, then applies them all in one batch. */
async function applyAsOneBatch(bodies: unknown[]) {
  for (const body of bodies) await storeWebhookEvent(Buffer.from(metaJson(body)));
  const applied = await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
  expect(applied).toHaveLength(bodies.length);
  for (const outcome of applied) expect(outcome).toMatchObject({ state: "processed", failures: [] });
}

const contactsOf = (bsuids: string[]) =>
  getDb()
    .select()
    .from(contacts)
    .where(and(eq(contacts.wabaId, biz.wabaId), inArray(contacts.bsuid, bsuids)));

describe("a batch's senders", () => {
  it("follow each message's profile and an identity change in the same batch, one contact per person", async () => {
    const ann: meta.Person = { name: "Ann", phone: "447723000001", bsuid: "GB.be-ann" };
    await applyAsOneBatch([inbound(ann, "first")]);
    const [before] = await contactsOf([ann.bsuid]);
    expect(before?.profileName).toBe("Ann");

    const bob: meta.Person = { name: "Bob", phone: "447723000002", bsuid: "GB.be-bob" };
    await applyAsOneBatch([
      // Read ahead (known), then renamed twice by her own messages: the last name wins.
      inbound(ann, "second"),
      inbound({ ...ann, name: "Ann B", username: "ann_b" }, "third"),
      inbound({ ...ann, name: "Ann C" }, "fourth"),
      inbound(bob, "new customer"),
      // A new BSUID for Ann mid-batch: her next message must reach the same contact under it.
      meta.userChangedUserId(biz, {
        id: wamid(),
        timestamp: ts(),
        newBsuid: "GB.be-ann2",
        previousBsuid: ann.bsuid,
      }),
      inbound({ ...ann, bsuid: "GB.be-ann2", name: "Ann D" }, "fifth"),
      // A late message under her old BSUID (now an alias) must not bring the old one back.
      inbound({ ...ann, name: "Ann D" }, "sixth"),
    ]);

    const rows = await contactsOf([ann.bsuid, "GB.be-ann2", bob.bsuid]);
    expect(rows.map((r) => [r.bsuid, r.profileName, r.username]).sort()).toEqual([
      ["GB.be-ann2", "Ann D", "ann_b"],
      ["GB.be-bob", "Bob", null],
    ]);
    expect(rows.find((r) => r.bsuid === "GB.be-ann2")?.id).toBe(before?.id);
  });
});

describe("a batch's integration events", () => {
  it("are queued for each subscribed active endpoint, one per live message, in the batch's order", async () => {
    const url = "http://127.0.0.1:9/hooks";
    const crm = await createEndpoint({ ctx, input: { name: "CRM", url, events: ["message.received"] } });
    const echoes = await createEndpoint({ ctx, input: { name: "Echoes", url, events: ["message.echo"] } });
    const off = await createEndpoint({
      ctx,
      input: { name: "Off", url, events: ["message.received"], active: false },
    });
    const carl: meta.Person = { name: "Carl", phone: "447723000003", bsuid: "GB.be-carl" };
    const ids = [wamid(), wamid(), wamid()];
    const echoId = wamid();
    await applyAsOneBatch([
      inbound(carl, "one", ids[0]),
      meta.messageEcho(biz, carl, { id: echoId, timestamp: ts(), content: { type: "text", body: "hi" } }),
      inbound(carl, "two", ids[1]),
      inbound({ ...carl, name: "Carl 2", bsuid: "GB.be-carl-2", phone: "447723000004" }, "three", ids[2]),
    ]);

    const deliveries = await getDb().select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
    const of = (endpointId: string) =>
      deliveries
        .filter((d) => d.endpointId === endpointId)
        .map((d) => d.payload as { type: string; data: { wamid: string; text: string } });
    expect(of(crm.id).map((p) => [p.type, p.data.wamid, p.data.text])).toEqual([
      ["message.received", ids[0], "one"],
      ["message.received", ids[1], "two"],
      ["message.received", ids[2], "three"],
    ]);
    expect(of(echoes.id).map((p) => [p.type, p.data.wamid])).toEqual([["message.echo", echoId]]);
    expect(of(off.id)).toEqual([]);

    // A message that fails sends its batch to the careful pass (a savepoint per event): the failed one
    // queues nothing, its siblings still queue theirs, in order.
    const more = [wamid(), wamid()];
    const nowhere = meta.inboundMessage({ ...biz, phoneNumberId: "179999999999999" }, carl, {
      id: wamid(),
      timestamp: ts(),
      content: { type: "text", body: "lost" },
    });
    for (const body of [inbound(carl, "four", more[0]), nowhere, inbound(carl, "five", more[1])])
      await storeWebhookEvent(Buffer.from(metaJson(body)));
    const applied = await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
    expect(applied.map((a) => a.state)).toEqual(["processed", "failed", "processed"]);
    const after = await getDb().select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
    expect(
      after
        .filter((d) => d.endpointId === crm.id)
        .slice(3)
        .map((d) => (d.payload as { data: { wamid: string } }).data.wamid),
    ).toEqual(more);
  });
});

describe("a batch's realtime events", () => {
  const published: ConversationChanged[] = [];
  const flushes = new Set<string>();
  let unlisten: (() => Promise<void>) | undefined;
  beforeAll(async () => {
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

  it("are published once, after commit: one per message, none from the pass rolled back", async () => {
    const dora: meta.Person = { name: "Dora", phone: "447723000005", bsuid: "GB.be-dora" };
    const ids = [wamid(), wamid()];
    const nowhere = meta.inboundMessage({ ...biz, phoneNumberId: "179999999999998" }, dora, {
      id: wamid(),
      timestamp: ts(),
      content: { type: "text", body: "lost" },
    });
    for (const body of [inbound(dora, "one", ids[0]), nowhere, inbound(dora, "two", ids[1])])
      await storeWebhookEvent(Buffer.from(metaJson(body)));
    // The unknown number fails the fast pass, which rolls back and publishes nothing; the careful pass commits.
    const applied = await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
    expect(applied.map((a) => a.state)).toEqual(["processed", "failed", "processed"]);
    // NOTIFYs reach a listener in commit order: once this marker is heard, so is everything the batch sent.
    const marker = `flush:${crypto.randomUUID()}`;
    await getSql().notify(
      REALTIME_CHANNEL,
      JSON.stringify({ rooms: [marker], event: "board.changed", data: { reason: "conversation" } }),
    );
    await expect.poll(() => flushes.has(marker)).toBe(true);

    const rows = await getDb()
      .select({ id: messages.id, conversationId: messages.conversationId })
      .from(messages)
      .where(inArray(messages.wamid, ids));
    expect(rows).toHaveLength(2);
    const heard = published.filter((e) => e.conversation_id === rows[0]!.conversationId);
    expect(heard.map((e) => e.message_id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(heard.every((e) => e.reason === "message")).toBe(true);
  });
});
