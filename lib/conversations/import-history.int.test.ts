import { asc, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb, onDatabaseQuery } from "@/lib/db/client";
import { contacts, conversations, messages } from "@/lib/db/schema";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import type { HistoryMessage } from "@/lib/whatsapp/events";
import { useTestDatabase } from "@/tests/int/db";
import { importHistoryChunk } from "./index";

// importHistoryChunk imports a whole chunk in a few statements (BENCHMARKS.md T6) and must leave what
// importing its threads one after another leaves (PROTOCOL.md §5.4): dedupe by wamid against live
// messages, never reorder, never unread, never open the window, new conversations resolved.

useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "520000000000001",
  phoneNumberId: "152000000000001",
  displayNumber: "15550520001",
};
let numberId = "";
let teamId = "";
const old = new Date("2026-05-01T10:00:00Z");
const at = (minutes: number) => new Date(old.getTime() + minutes * 60_000);

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "History team" } });
  teamId = team.id;
  const number = await addNumber({
    ctx,
    input: {
      wabaId: biz.wabaId,
      phoneNumberId: biz.phoneNumberId,
      displayNumber: "+1 555 052 0001",
      coexistence: true,
      defaultTeamId: team.id,
    },
  });
  numberId = number.id;
});

async function newContact(name: string) {
  const [row] = await getDb()
    .insert(contacts)
    .values({ wabaId: "520000000000001", bsuid: `GB.${name}`, profileName: name })
    .returning({ id: contacts.id });
  return row!.id;
}

const msg = (wamid: string, minutes: number, extra: Partial<HistoryMessage> = {}): HistoryMessage => ({
  wamid,
  direction: "inbound",
  timestamp: at(minutes),
  status: "read",
  replyToWamid: null,
  type: "text",
  text: `text of ${wamid}`,
  content: { body: `text of ${wamid}` },
  ...extra,
});

const conversationOf = async (contactId: string) =>
  (await getDb().select().from(conversations).where(eq(conversations.contactId, contactId)))[0];

describe("importHistoryChunk", () => {
  it("imports a chunk as its threads one after another would", async () => {
    const [live, fresh, twice, allDuplicates, empty] = await Promise.all(
      ["live", "fresh", "twice", "dups", "empty"].map((n) => newContact(`hist-${n}`)),
    );
    // A live conversation newer than the history, with one live message the history also carries.
    const liveAt = new Date();
    const [open] = await getDb()
      .insert(conversations)
      .values({
        contactId: live!,
        phoneNumberId: numberId,
        status: "open",
        unreadCount: 1,
        lastMessageAt: liveAt,
        lastMessagePreview: "live one",
        lastInboundAt: liveAt,
        windowExpiresAt: new Date(liveAt.getTime() + 86_400_000),
        seq: 5,
      })
      .returning();
    await getDb().insert(messages).values({
      conversationId: open!.id,
      wamid: "wamid.h.live",
      direction: "inbound",
      source: "customer",
      type: "text",
      text: "live one",
      timestamp: liveAt,
    });
    await getDb()
      .insert(conversations)
      .values({ contactId: allDuplicates!, phoneNumberId: numberId, status: "open", seq: 2 });
    await getDb()
      .insert(messages)
      .values({
        conversationId: (await conversationOf(allDuplicates!))!.id,
        wamid: "wamid.h.d1",
        direction: "inbound",
        source: "customer",
        type: "text",
        text: "already here",
        timestamp: at(1),
      });

    const imported = await getDb().transaction((tx) =>
      importHistoryChunk(tx, {
        numberId,
        defaultTeamId: teamId,
        threads: [
          {
            contactId: live!,
            messages: [
              msg("wamid.h.l1", 10),
              msg("wamid.h.l2", 20, { direction: "outbound", status: "delivered", text: "  padded reply  " }),
              msg("wamid.h.live", 30),
            ],
          },
          {
            contactId: fresh!,
            messages: [
              msg("wamid.h.f1", 5, { direction: "outbound", status: "error" }),
              msg("wamid.h.f2", 50, { type: "media_placeholder", text: null, content: null }),
              // Lone surrogate: stored as U+FFFD, as a plain parameter would be.
              msg("wamid.h.f3", 40, { text: "broken \ud800 text" }),
            ],
          },
          { contactId: twice!, messages: [msg("wamid.h.t1", 60, { text: "first thread" })] },
          // The same person again (a repeat in the chunk), and a wamid the chunk already carried.
          {
            contactId: twice!,
            messages: [
              msg("wamid.h.t2", 60, { text: "tied, second thread" }),
              msg("wamid.h.t0", 55),
              msg("wamid.h.f1", 5),
            ],
          },
          { contactId: allDuplicates!, messages: [msg("wamid.h.d1", 1)] },
          { contactId: empty!, messages: [] },
        ],
      }),
    );

    expect(imported.map((t) => [t.inserted, t.duplicates])).toEqual([
      [2, 1],
      [3, 0],
      [1, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ]);
    // The live conversation keeps its place, its window and its unread count; one seq bump.
    expect(await conversationOf(live!)).toMatchObject({
      status: "open",
      unreadCount: 1,
      lastMessageAt: liveAt,
      lastMessagePreview: "live one",
      windowExpiresAt: open!.windowExpiresAt,
      seq: 6,
    });
    expect(await conversationOf(fresh!)).toMatchObject({
      status: "resolved",
      teamId,
      unreadCount: 0,
      windowExpiresAt: null,
      lastMessageAt: at(50),
      lastMessagePreview: "[media_placeholder]",
      seq: 1,
    });
    // Two threads of one person: one conversation, a bump per thread, the first thread's preview on a tie.
    const both = await conversationOf(twice!);
    expect(both).toMatchObject({ lastMessageAt: at(60), lastMessagePreview: "first thread", seq: 2 });
    expect(imported[2]!.touch).toEqual(imported[3]!.touch);
    expect(imported[3]!.touch).toMatchObject({ conversationId: both!.id, seq: 2 });
    // Nothing new: no bump; the history's older time does not move it.
    expect(await conversationOf(allDuplicates!)).toMatchObject({
      status: "open",
      seq: 2,
      lastMessageAt: at(1),
    });
    // A thread with no messages still gets its (resolved) conversation.
    expect(await conversationOf(empty!)).toMatchObject({ status: "resolved", lastMessageAt: null, seq: 0 });

    const rows = await getDb()
      .select()
      .from(messages)
      .where(inArray(messages.conversationId, [open!.id, (await conversationOf(fresh!))!.id, both!.id]))
      .orderBy(asc(messages.arrival));
    expect(rows.map((m) => [m.wamid, m.source, m.direction, m.status, m.text])).toEqual([
      ["wamid.h.live", "customer", "inbound", null, "live one"],
      ["wamid.h.l1", "history", "inbound", null, "text of wamid.h.l1"],
      ["wamid.h.l2", "history", "outbound", "delivered", "  padded reply  "],
      ["wamid.h.f1", "history", "outbound", "failed", "text of wamid.h.f1"],
      ["wamid.h.f2", "history", "inbound", null, null],
      ["wamid.h.f3", "history", "inbound", null, "broken \ufffd text"],
      ["wamid.h.t1", "history", "inbound", null, "first thread"],
      ["wamid.h.t2", "history", "inbound", null, "tied, second thread"],
      ["wamid.h.t0", "history", "inbound", null, "text of wamid.h.t0"],
    ]);
    expect(rows.find((m) => m.wamid === "wamid.h.l1")).toMatchObject({
      timestamp: at(10),
      content: { body: "text of wamid.h.l1" },
    });
    expect(rows.find((m) => m.wamid === "wamid.h.f2")?.content).toBeNull();
  });

  it("imports a chunk in the same number of statements for 2 threads as for 20", async () => {
    const chunk = async (n: number) => {
      const threads = await Promise.all(
        Array.from({ length: n }, async (_, i) => ({
          contactId: await newContact(`count-${n}-${i}`),
          messages: [msg(`wamid.count${n}x${i}a`, i), msg(`wamid.count${n}x${i}b`, i + 1)],
        })),
      );
      const queries: string[] = [];
      const stop = onDatabaseQuery((q) => queries.push(q));
      try {
        await getDb().transaction((tx) => importHistoryChunk(tx, { numberId, defaultTeamId: null, threads }));
      } finally {
        stop();
      }
      return queries.length;
    };
    expect(await chunk(20)).toBe(await chunk(2));
  });

  it("fails a bad chunk alone: the webhook's other chunk is imported", async () => {
    const chunkOf = (n: number, body: string) =>
      meta.historyChunk(biz, {
        phase: 1,
        chunkOrder: n,
        progress: 10,
        threads: [
          {
            person: {
              name: `Chunk ${n}`,
              phone: `4477005${String(n).padStart(5, "0")}`,
              bsuid: `GB.chunk${n}`,
            },
            messages: [
              {
                id: `wamid.chunk${n}`,
                timestamp: String(Math.floor(old.getTime() / 1000)),
                direction: "inbound",
                content: { type: "text", body },
                status: "READ",
              },
            ],
          },
        ],
      });
    const good = chunkOf(1, "fine");
    // Postgres text cannot hold NUL: this chunk cannot be stored.
    const bad = chunkOf(2, "nul \u0000 inside");
    const value = (e: meta.Envelope) => e.entry[0]!.changes[0]!.value as { history: unknown[] };
    value(good).history.push(...value(bad).history);
    const eventId = await storeWebhookEvent(Buffer.from(metaJson(good)));
    const outcome = await applyWebhookEvent({ ctx, input: { eventId } });
    expect(outcome).toMatchObject({ state: "processed", applied: 1, failures: [expect.anything()] });
    const stored = await getDb()
      .select({ wamid: messages.wamid })
      .from(messages)
      .where(inArray(messages.wamid, ["wamid.chunk1", "wamid.chunk2"]));
    expect(stored).toEqual([{ wamid: "wamid.chunk1" }]);
  });
});
