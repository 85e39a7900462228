import { and, count, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import {
  adminAlerts,
  auditLog,
  contactAliases,
  contacts,
  conversationEvents,
  conversations,
  messageReactions,
  messageRevisions,
  messages,
  phoneNumbers,
  templates,
  webhookEvents,
} from "@/lib/db/schema";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import { applyWebhookEvent, storeWebhookEvent } from "./index";

useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "400000000000001",
  phoneNumberId: "140000000000001",
  displayNumber: "15550140001",
};
let seq = 0;
const wamid = () => `wamid.coex${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);
const person = (n: number, extra: Partial<meta.Person> = {}): meta.Person => ({
  name: `Person ${n}`,
  phone: `4477009${String(n).padStart(5, "0")}`,
  bsuid: `GB.${n}000111222`,
  ...extra,
});

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Coexistence team" } });
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 014 0001", coexistence: true, defaultTeamId: team.id },
  });
});

async function ingest(envelope: unknown) {
  const eventId = await storeWebhookEvent(Buffer.from(metaJson(envelope)));
  return applyWebhookEvent({ ctx, input: { eventId } });
}

async function messageBy(id: string) {
  const [row] = await getDb().select().from(messages).where(eq(messages.wamid, id));
  return row;
}

async function conversationOf(p: meta.Person) {
  const [row] = await getDb()
    .select({ c: conversations })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(contacts.bsuid, p.bsuid));
  return row?.c;
}

const text = (body: string): meta.Content => ({ type: "text", body });

describe("duplicates and concurrency (R1, R10)", () => {
  it("applies every webhook exactly once when each arrives 1–5 times across two concurrent appliers", async () => {
    const envelopes = Array.from({ length: 12 }, (_, i) =>
      meta.inboundMessage(biz, person(100 + (i % 4)), {
        id: wamid(),
        timestamp: ts(600 - i),
        content: text(`dup ${i}`),
      }),
    );
    const ids: number[] = [];
    for (const [i, envelope] of envelopes.entries()) {
      for (let copy = 0; copy <= i % 5; copy++)
        ids.push(await storeWebhookEvent(Buffer.from(metaJson(envelope))));
    }
    const half = Math.ceil(ids.length / 2);
    await Promise.all([
      Promise.all(ids.slice(0, half).map((eventId) => applyWebhookEvent({ ctx, input: { eventId } }))),
      Promise.all(ids.slice(half).map((eventId) => applyWebhookEvent({ ctx, input: { eventId } }))),
    ]);
    const rows = await getDb()
      .select({ n: count() })
      .from(messages)
      .where(sql`${messages.text} like 'dup %'`);
    expect(rows[0]?.n).toBe(12);
    const people = await getDb()
      .select({ n: count() })
      .from(contacts)
      .where(sql`${contacts.bsuid} like 'GB.10%000111222'`);
    expect(people[0]?.n).toBe(4);
    const unread = await getDb()
      .select({ total: sql<number>`sum(${conversations.unreadCount})::int` })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(sql`${contacts.bsuid} like 'GB.10%000111222'`);
    expect(unread[0]?.total).toBe(12);
    const pending = await getDb()
      .select({ n: count() })
      .from(webhookEvents)
      .where(eq(webhookEvents.status, "pending"));
    expect(pending[0]?.n).toBe(0);
  });
});

describe("statuses (R2)", () => {
  it("keeps the highest status whatever the order, and applies statuses that came before the message", async () => {
    const p = person(200);
    const id = wamid();
    for (const status of ["read", "sent", "delivered"] as const) {
      await ingest(meta.statusUpdate(biz, p, { id, status, timestamp: ts(), sentTo: "phone" }));
    }
    // The message itself arrives last (here as the owner's echo, the only outbound kind so far).
    await ingest(meta.messageEcho(biz, p, { id, timestamp: ts(5), content: text("out of order") }));
    expect((await messageBy(id))?.status).toBe("read");
    await ingest(meta.statusUpdate(biz, p, { id, status: "delivered", timestamp: ts(), sentTo: "phone" }));
    expect((await messageBy(id))?.status).toBe("read");
    await ingest(meta.statusUpdate(biz, p, { id, status: "played", timestamp: ts(), sentTo: "phone" }));
    expect((await messageBy(id))?.status).toBe("played");
  });

  it("records a failure with its error, and a duplicate status changes nothing", async () => {
    const p = person(201);
    const id = wamid();
    await ingest(meta.messageEcho(biz, p, { id, timestamp: ts(5), content: text("will fail") }));
    const failed = meta.statusUpdate(biz, p, {
      id,
      status: "failed",
      timestamp: ts(),
      sentTo: "phone",
      errors: [meta.errorObject(131047, "Re-engagement message", "More than 24 hours have passed")],
    });
    await ingest(failed);
    const before = await conversationOf(p);
    await ingest(failed);
    const row = await messageBy(id);
    expect(row?.status).toBe("failed");
    expect(row?.error).toMatchObject({ code: 131047 });
    expect((await conversationOf(p))?.seq).toBe(before?.seq);
  });
});

describe("echoes (PROTOCOL.md §5.2)", () => {
  it("stores the owner's reply as outbound business_app without opening the window or counting unread", async () => {
    const p = person(300);
    await ingest(
      meta.messageEcho(biz, p, { id: wamid(), timestamp: ts(30), content: text("typed on the phone") }),
    );
    const conversation = await conversationOf(p);
    expect(conversation).toMatchObject({ unreadCount: 0, windowExpiresAt: null, lastInboundAt: null });
    expect(conversation?.ownerActiveAt).not.toBeNull();
    const [row] = await getDb().select().from(messages).where(eq(messages.conversationId, conversation!.id));
    expect(row).toMatchObject({ direction: "outbound", source: "business_app", text: "typed on the phone" });
    const [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number?.lastAppActivityAt).not.toBeNull();
  });

  it("keeps an errors-only echo as 'sent from phone, content unavailable'", async () => {
    const p = person(301);
    const id = wamid();
    await ingest(meta.messageEcho(biz, p, { id, timestamp: ts(), errors: [meta.ECHO_CONTENT_UNAVAILABLE] }));
    const row = await messageBy(id);
    expect(row).toMatchObject({ source: "business_app", text: null });
    expect(row?.error).not.toBeNull();
  });

  it("puts the echo to a Brazilian number without the ninth digit in the same thread as the customer", async () => {
    const p = person(302, { phone: "5511987654321", bsuid: "BR.302000111222" });
    await ingest(
      meta.inboundMessage(biz, p, { id: wamid(), timestamp: ts(60), content: text("oi, tudo bem?") }),
    );
    // The echo names the old form of the number and no BSUID of its own.
    await ingest(
      meta.messageEcho(
        biz,
        { ...p, phone: "551187654321", bsuid: "" },
        { id: wamid(), timestamp: ts(30), content: text("tudo!") },
      ),
    );
    const rows = await getDb()
      .select()
      .from(contacts)
      .where(sql`${contacts.phone} in ('5511987654321', '551187654321')`);
    expect(rows).toHaveLength(1);
    const threadMessages = await getDb()
      .select()
      .from(messages)
      .where(eq(messages.conversationId, (await conversationOf(p))!.id));
    expect(threadMessages.map((m) => m.text).sort()).toEqual(["oi, tudo bem?", "tudo!"]);
  });
});

describe("edits, revokes and reactions", () => {
  it("edits keep the previous text; a revoke clears the message and keeps what it was", async () => {
    const p = person(400);
    const original = wamid();
    await ingest(meta.inboundMessage(biz, p, { id: original, timestamp: ts(100), content: text("helo") }));
    const edit = meta.inboundMessage(biz, p, {
      id: wamid(),
      timestamp: ts(90),
      content: { type: "edit", originalMessageId: original, message: text("hello") },
    });
    await ingest(edit);
    await ingest(edit);
    expect(await messageBy(original)).toMatchObject({ text: "hello" });
    expect((await messageBy(original))?.editedAt).not.toBeNull();
    await ingest(
      meta.inboundMessage(biz, p, {
        id: wamid(),
        timestamp: ts(80),
        content: { type: "revoke", originalMessageId: original },
      }),
    );
    const revoked = await messageBy(original);
    expect(revoked).toMatchObject({ text: null });
    expect(revoked?.revokedAt).not.toBeNull();
    const history = await getDb()
      .select()
      .from(messageRevisions)
      .where(eq(messageRevisions.targetWamid, original))
      .orderBy(messageRevisions.id);
    expect(history.map((h) => [h.kind, h.previousText])).toEqual([
      ["edit", "helo"],
      ["revoke", "hello"],
    ]);
  });

  it("applies an edit that arrives before its message", async () => {
    const p = person(401);
    const original = wamid();
    await ingest(
      meta.inboundMessage(biz, p, {
        id: wamid(),
        timestamp: ts(50),
        content: { type: "edit", originalMessageId: original, message: text("fixed") },
      }),
    );
    await ingest(meta.inboundMessage(biz, p, { id: original, timestamp: ts(60), content: text("fxied") }));
    expect(await messageBy(original)).toMatchObject({ text: "fixed" });
  });

  it("attaches reactions to their message; a newer one replaces, an empty one removes", async () => {
    const p = person(402);
    const target = wamid();
    await ingest(
      meta.inboundMessage(biz, p, {
        id: wamid(),
        timestamp: ts(40),
        content: { type: "reaction", messageId: target, emoji: "👍" },
      }),
    );
    await ingest(
      meta.messageEcho(biz, p, { id: target, timestamp: ts(50), content: text("your order shipped") }),
    );
    await ingest(
      meta.inboundMessage(biz, p, {
        id: wamid(),
        timestamp: ts(30),
        content: { type: "reaction", messageId: target, emoji: "❤️" },
      }),
    );
    let [reaction] = await getDb()
      .select()
      .from(messageReactions)
      .where(eq(messageReactions.targetWamid, target));
    expect(reaction).toMatchObject({ reactor: "customer", emoji: "❤️" });
    await ingest(
      meta.inboundMessage(biz, p, {
        id: wamid(),
        timestamp: ts(20),
        content: { type: "reaction", messageId: target, emoji: "" },
      }),
    );
    [reaction] = await getDb()
      .select()
      .from(messageReactions)
      .where(eq(messageReactions.targetWamid, target));
    expect(reaction?.emoji).toBe("");
  });
});

describe("history import (PROTOCOL.md §5.4)", () => {
  it("imports with original timestamps, dedupes against live messages, never opens the window; a re-run adds 0 rows", async () => {
    const p = person(500);
    const live = wamid();
    // One timestamp for both copies of the live message: computed twice, a second boundary could split them.
    const liveAt = ts(60);
    await ingest(
      meta.inboundMessage(biz, p, { id: live, timestamp: liveAt, content: text("live, also in history") }),
    );
    const old = ts(90 * 24 * 3600);
    const chunk = meta.historyChunk(biz, {
      phase: 1,
      chunkOrder: 1,
      progress: 40,
      threads: [
        {
          person: p,
          messages: [
            {
              id: wamid(),
              timestamp: old,
              direction: "inbound",
              content: text("three months ago"),
              status: "READ",
            },
            {
              id: wamid(),
              timestamp: String(Number(old) + 60),
              direction: "outbound",
              content: text("reply back then"),
              status: "DELIVERED",
            },
            { id: wamid(), timestamp: String(Number(old) + 120), direction: "inbound", status: "READ" },
            {
              id: live,
              timestamp: liveAt,
              direction: "inbound",
              content: text("live, also in history"),
              status: "READ",
            },
          ],
        },
        {
          person: person(501),
          messages: [
            {
              id: wamid(),
              timestamp: old,
              direction: "inbound",
              content: text("only history"),
              status: "READ",
            },
          ],
        },
      ],
    });
    const before = await conversationOf(p);
    await ingest(chunk);
    await ingest(chunk);
    const thread = await getDb()
      .select()
      .from(messages)
      .where(eq(messages.conversationId, before!.id))
      .orderBy(messages.timestamp);
    expect(thread.map((m) => [m.source, m.type])).toEqual([
      ["history", "text"],
      ["history", "text"],
      ["history", "media_placeholder"],
      ["customer", "text"],
    ]);
    expect(thread[0]?.timestamp.getTime()).toBe(Number(old) * 1000);
    expect(thread[1]).toMatchObject({ direction: "outbound", status: "delivered" });
    const after = await conversationOf(p);
    expect(after).toMatchObject({
      unreadCount: before!.unreadCount,
      lastMessageAt: before!.lastMessageAt,
      windowExpiresAt: before!.windowExpiresAt,
    });
    const onlyHistory = await conversationOf(person(501));
    expect(onlyHistory).toMatchObject({ status: "resolved", unreadCount: 0, windowExpiresAt: null });
    const [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number).toMatchObject({ historyState: "importing", historyProgress: 40, historyPhase: 1 });
    expect(number?.historyCounts).toMatchObject({ chunks: 2, threads: 4, messages: 4, duplicates: 6 });
  });

  it("fills a placeholder with the later media copy without opening the window, and completes at 100", async () => {
    const p = person(502);
    const id = wamid();
    await ingest(
      meta.historyChunk(biz, {
        phase: 0,
        chunkOrder: 9,
        progress: 100,
        threads: [
          { person: p, messages: [{ id, timestamp: ts(3600), direction: "inbound", status: "READ" }] },
        ],
      }),
    );
    await ingest(
      meta.historyMedia(biz, p, {
        id,
        timestamp: ts(3600),
        direction: "inbound",
        content: {
          type: "image",
          media: { id: "m1", mimeType: "image/jpeg", sha256: "abc" },
          caption: "the receipt",
        },
      }),
    );
    expect(await messageBy(id)).toMatchObject({ type: "image", text: "the receipt", source: "history" });
    expect((await conversationOf(p))?.windowExpiresAt).toBeNull();
    const [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number?.historyState).toBe("complete");
  });
});

describe("identity (PROTOCOL.md §4)", () => {
  it("merges a changed number into the existing contact and thread, with aliases, a timeline event and an audit entry", async () => {
    const old = person(600);
    const fresh = { ...old, phone: "447700966666", bsuid: "GB.600999888777" };
    await ingest(
      meta.inboundMessage(biz, old, { id: wamid(), timestamp: ts(600), content: text("from my old phone") }),
    );
    // The new identity writes before Meta's system message arrives: a second thread exists for a moment.
    await ingest(
      meta.inboundMessage(biz, fresh, {
        id: wamid(),
        timestamp: ts(300),
        content: text("new phone, same me"),
      }),
    );
    // Both threads carry state of their own: a label on each side, and an open work cycle each.
    const [label] = await getDb().execute<{ id: string }>(
      sql`insert into labels (name) values ('Merged-600') returning id`,
    );
    await getDb().execute(sql`
      insert into conversation_labels (conversation_id, label_id)
      select c.id, ${label!.id} from conversations c join contacts ct on ct.id = c.contact_id
      where ct.bsuid = ${fresh.bsuid}`);
    const change = meta.userChangedNumber(biz, {
      id: wamid(),
      timestamp: ts(200),
      oldPhone: old.phone!,
      newPhone: fresh.phone,
      newBsuid: fresh.bsuid,
      previousBsuid: old.bsuid,
    });
    await ingest(change);
    await ingest(change);
    const people = await getDb()
      .select()
      .from(contacts)
      .where(sql`${contacts.bsuid} in (${old.bsuid}, ${fresh.bsuid})`);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ bsuid: fresh.bsuid, phone: fresh.phone });
    const aliases = await getDb()
      .select()
      .from(contactAliases)
      .where(eq(contactAliases.contactId, people[0]!.id));
    expect(aliases.map((a) => `${a.kind}:${a.value}`).sort()).toEqual([
      `bsuid:${old.bsuid}`,
      `phone:${old.phone}`,
    ]);
    const threads = await getDb()
      .select()
      .from(conversations)
      .where(eq(conversations.contactId, people[0]!.id));
    expect(threads).toHaveLength(1);
    const texts = await getDb()
      .select({ text: messages.text })
      .from(messages)
      .where(eq(messages.conversationId, threads[0]!.id));
    expect(texts.map((t) => t.text).sort()).toEqual(["from my old phone", "new phone, same me"]);
    const timeline = await getDb()
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, threads[0]!.id));
    expect(timeline.map((e) => e.type)).toEqual(["identity_changed"]);
    const labelled = await getDb().execute<{ label_id: string }>(
      sql`select label_id from conversation_labels where conversation_id = ${threads[0]!.id}`,
    );
    expect(labelled.map((l) => l.label_id)).toEqual([label!.id]);
    // Reports keep both cycles; only one stays open.
    const cycles = await getDb().execute<{ open: boolean }>(
      sql`select resolved_at is null as open from conversation_cycles where conversation_id = ${threads[0]!.id}`,
    );
    expect(cycles.map((c) => c.open).sort()).toEqual([false, true]);
    const audit = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, "contact"), eq(auditLog.entityId, people[0]!.id)));
    expect(audit.map((a) => a.action)).toEqual(["contact.merged"]);
    // A late message to the old BSUID still lands in the same thread.
    await ingest(
      meta.inboundMessage(biz, old, { id: wamid(), timestamp: ts(100), content: text("late, old id") }),
    );
    expect(
      await getDb()
        .select()
        .from(contacts)
        .where(sql`${contacts.bsuid} in (${old.bsuid}, ${fresh.bsuid})`),
    ).toHaveLength(1);
  });

  it("keeps both contacts' attribute values when a changed number merges them (the kept contact's win)", async () => {
    const old = person(602);
    const fresh = { ...old, phone: "447700966602", bsuid: "GB.602999888777" };
    await ingest(meta.inboundMessage(biz, old, { id: wamid(), timestamp: ts(600), content: text("old") }));
    await ingest(meta.inboundMessage(biz, fresh, { id: wamid(), timestamp: ts(300), content: text("new") }));
    await getDb().execute(sql`
      update contacts set attributes = case when bsuid = ${old.bsuid}
        then '{"plan":"Pro","seats":5}'::jsonb else '{"plan":"Basic","region":"EU"}'::jsonb end
      where bsuid in (${old.bsuid}, ${fresh.bsuid})`);
    await ingest(
      meta.userChangedNumber(biz, {
        id: wamid(),
        timestamp: ts(200),
        oldPhone: old.phone!,
        newPhone: fresh.phone,
        newBsuid: fresh.bsuid,
        previousBsuid: old.bsuid,
      }),
    );
    const people = await getDb()
      .select()
      .from(contacts)
      .where(sql`${contacts.bsuid} in (${old.bsuid}, ${fresh.bsuid})`);
    expect(people).toHaveLength(1);
    expect(people[0]!.attributes).toEqual({ plan: "Pro", seats: 5, region: "EU" });
  });

  it("moves a username-only customer to a new BSUID (user_changed_user_id) without a second thread", async () => {
    const p = person(601, { phone: undefined, username: "ana.b" });
    await ingest(meta.inboundMessage(biz, p, { id: wamid(), timestamp: ts(500), content: text("oi") }));
    await ingest(
      meta.userChangedUserId(biz, {
        id: wamid(),
        timestamp: ts(400),
        newBsuid: "BR.601555444333",
        previousBsuid: p.bsuid,
      }),
    );
    await ingest(
      meta.inboundMessage(
        biz,
        { ...p, bsuid: "BR.601555444333" },
        { id: wamid(), timestamp: ts(300), content: text("new id") },
      ),
    );
    const [row] = await getDb().select().from(contacts).where(eq(contacts.bsuid, "BR.601555444333"));
    expect(row?.username).toBe("ana.b");
    expect(
      await getDb().select().from(conversations).where(eq(conversations.contactId, row!.id)),
    ).toHaveLength(1);
  });
});

describe("contact sync, account and template events", () => {
  it("uses the address-book name over the profile name; remove clears it", async () => {
    const p = person(700, { name: "xX_gamer_Xx" });
    await ingest(meta.inboundMessage(biz, p, { id: wamid(), timestamp: ts(60), content: text("hi") }));
    const syncedAt = ts();
    await ingest(
      meta.stateSync(biz, [
        {
          action: "add",
          timestamp: syncedAt,
          contact: { fullName: "Jordan Miles", phone: p.phone, bsuid: p.bsuid },
        },
      ]),
    );
    let [row] = await getDb().select().from(contacts).where(eq(contacts.bsuid, p.bsuid));
    expect(row).toMatchObject({ addressBookName: "Jordan Miles", profileName: "xX_gamer_Xx" });
    // The Numbers page shows when the address book last synced.
    const [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number?.contactSyncAt?.getTime()).toBe(Number(syncedAt) * 1000);
    await ingest(
      meta.stateSync(biz, [
        { action: "remove", timestamp: ts(), contact: { phone: p.phone, bsuid: p.bsuid } },
      ]),
    );
    [row] = await getDb().select().from(contacts).where(eq(contacts.bsuid, p.bsuid));
    expect(row?.addressBookName).toBeNull();
  });

  it("partner removed moves the number's state and alerts admins; reconnected resolves the alert", async () => {
    const now = Math.floor(Date.now() / 1000);
    await ingest(
      meta.accountUpdate(biz, { time: now, event: "PARTNER_REMOVED", reason: "PRIMARY_INACTIVITY" }),
    );
    let [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number).toMatchObject({
      coexistenceState: "partner_removed",
      coexistenceReason: "PRIMARY_INACTIVITY",
    });
    const alerts = await getDb().select().from(adminAlerts).where(eq(adminAlerts.phoneNumberId, number!.id));
    expect(alerts.at(-1)?.message).toMatch(/14 days/);
    await ingest(meta.accountUpdate(biz, { time: now + 60, event: "ACCOUNT_RECONNECTED" }));
    [number] = await getDb()
      .select()
      .from(phoneNumbers)
      .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
    expect(number?.coexistenceState).toBe("active");
    const open = await getDb()
      .select()
      .from(adminAlerts)
      .where(and(eq(adminAlerts.phoneNumberId, number!.id), sql`${adminAlerts.resolvedAt} is null`));
    expect(open.filter((a) => a.kind === "coexistence")).toHaveLength(0);
  });

  it("keeps template status and quality current", async () => {
    const ref: meta.TemplateRef = {
      templateId: 778899,
      name: "order_ready",
      language: "en_US",
      category: "UTILITY",
    };
    const time = Math.floor(Date.now() / 1000);
    await ingest(meta.templateStatusUpdate(biz.wabaId, { ...ref, time, event: "APPROVED" }));
    await ingest(
      meta.templateQualityUpdate(biz.wabaId, { ...ref, time, previousScore: "GREEN", newScore: "YELLOW" }),
    );
    const [row] = await getDb().select().from(templates).where(eq(templates.templateId, "778899"));
    expect(row).toMatchObject({ name: "order_ready", status: "APPROVED", quality: "YELLOW" });
  });
});

describe("bad items", () => {
  it("applies 99 of 100 messages when one is malformed", async () => {
    const p = person(800);
    const envelope = meta.inboundMessage(biz, p, {
      id: wamid(),
      timestamp: ts(),
      content: text("item 0"),
    }) as unknown as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    const items = envelope.entry[0]!.changes[0]!.value.messages;
    const first = items[0]!;
    for (let i = 1; i < 100; i++) items.push({ ...first, id: wamid(), text: { body: `item ${i}` } });
    items[57] = { ...items[57], timestamp: { not: "a timestamp" } };
    const outcome = await ingest(envelope);
    expect(outcome).toMatchObject({ state: "processed", applied: 99 });
    const rows = await getDb()
      .select({ n: count() })
      .from(messages)
      .where(sql`${messages.text} like 'item %'`);
    expect(rows[0]?.n).toBe(99);
  });
});
