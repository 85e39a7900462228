import { eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { messages, phoneNumbers, webhookEvents } from "@/lib/db/schema";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { useTestDatabase } from "@/tests/int/db";
import { applyNextWebhookEvents, storeWebhookEvent } from "./index";

// History chunks are applied in batches of their own, their progress written once per batch (BENCHMARKS.md T6).
useTestDatabase();
const ctx = { actor: systemActor("test") };
const bizOf = (n: number): meta.Biz => ({
  wabaId: `41000000000010${n}`,
  phoneNumberId: `15000000000010${n}`,
  displayNumber: `1555016000${n}`,
});
let seq = 0;
const wamid = () => `wamid.histb${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);
const person = (n: number): meta.Person => ({
  name: `History Batch ${n}`,
  phone: `4477129${String(n).padStart(5, "0")}`,
  bsuid: `GB.${n}000555666`,
});

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "History batch team" } });
  for (const n of [1, 2, 3])
    await addNumber({
      ctx,
      input: { ...bizOf(n), displayNumber: `+1 555 016 000${n}`, coexistence: true, defaultTeamId: team.id },
    });
});

async function store(bodies: unknown[]): Promise<number[]> {
  const ids: number[] = [];
  for (const body of bodies) ids.push(await storeWebhookEvent(Buffer.from(metaJson(body))));
  return ids;
}

/** A chunk of `threads` threads (people from `first` on), two messages each. */
function chunk(biz: meta.Biz, c: { first: number; threads: number; progress: number; phase: 0 | 1 | 2 }) {
  return meta.historyChunk(biz, {
    phase: c.phase,
    chunkOrder: c.first,
    progress: c.progress,
    threads: Array.from({ length: c.threads }, (_, t) => ({
      person: person(c.first + t),
      messages: [0, 1].map((m) => ({
        id: `wamid.histb.${biz.phoneNumberId}.${c.first + t}.${m}`,
        timestamp: ts(86_400 + m),
        direction: m === 0 ? ("inbound" as const) : ("outbound" as const),
        content: { type: "text" as const, body: `history ${c.first + t}.${m}` },
        status: "READ" as const,
      })),
    })),
  });
}

async function numberOf(biz: meta.Biz) {
  const [number] = await getDb()
    .select()
    .from(phoneNumbers)
    .where(eq(phoneNumbers.phoneNumberId, biz.phoneNumberId));
  return number!;
}

async function drainWithTwoAppliers() {
  const lane = async () => {
    while ((await applyNextWebhookEvents({ ctx, input: { limit: 32 } })).length > 0);
  };
  await Promise.all([lane(), lane()]);
}

describe("history batches", () => {
  it("never claims history chunks together with live webhooks, and takes a few chunks at a time", async () => {
    const biz = bizOf(1);
    const live = (n: number) =>
      meta.inboundMessage(biz, person(900 + n), {
        id: wamid(),
        timestamp: ts(60 - n),
        content: { type: "text", body: `live during import ${n}` },
      });
    const bodies = [
      chunk(biz, { first: 100, threads: 1, progress: 10, phase: 1 }),
      live(1),
      live(2),
      chunk(biz, { first: 110, threads: 1, progress: 20, phase: 1 }),
      live(3),
      ...[120, 130, 140, 150, 160].map((first, i) =>
        chunk(biz, { first, threads: 1, progress: 30 + i, phase: 1 }),
      ),
      live(4),
    ];
    const ids = await store(bodies);
    const historyIds = new Set([ids[0], ids[3], ...ids.slice(5, 10)]);
    const batches: number[][] = [];
    for (;;) {
      const applied = await applyNextWebhookEvents({ ctx, input: { limit: 32 } });
      if (applied.length === 0) break;
      batches.push(applied.map((outcome) => outcome.eventId));
    }
    expect(batches.flat().sort((a, b) => a - b)).toEqual(ids);
    for (const batch of batches) {
      const history = batch.filter((id) => historyIds.has(id)).length;
      expect([0, batch.length]).toContain(history);
      expect(history).toBeLessThanOrEqual(4);
    }
    const stored = await getDb()
      .select({ id: webhookEvents.id, status: webhookEvents.status, history: webhookEvents.history })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, ids));
    for (const row of stored) {
      expect(row.status).toBe("processed");
      expect(row.history).toBe(historyIds.has(row.id));
    }
    const number = await numberOf(biz);
    expect(number).toMatchObject({ historyState: "importing", historyProgress: 34, historyPhase: 1 });
    expect(number.historyCounts).toMatchObject({ chunks: 7, threads: 7, messages: 14, duplicates: 0 });
  });

  it("counts every chunk exactly once when two lanes apply them concurrently; a bad chunk fails alone", async () => {
    const biz = bizOf(2);
    const chunks = Array.from({ length: 12 }, (_, i) =>
      chunk(biz, {
        first: 200 + i * 10,
        threads: 1 + (i % 3),
        // Out of order on purpose: the highest percent and phase win, whichever batch carries them.
        progress: [5, 100, 40, 20, 60, 10, 80, 30, 70, 50, 90, 15][i]!,
        phase: i === 4 ? 2 : 1,
      }),
    );
    const unknownNumber = chunk(
      { ...biz, phoneNumberId: "150000000000199" },
      {
        first: 400,
        threads: 2,
        progress: 50,
        phase: 1,
      },
    );
    // Chunks 0 and 1 again: their messages are recognised as duplicates, their threads counted again.
    const ids = await store([...chunks.slice(0, 6), unknownNumber, ...chunks.slice(6), chunks[0], chunks[1]]);
    await drainWithTwoAppliers();

    const rows = await getDb()
      .select({ id: webhookEvents.id, status: webhookEvents.status })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, ids));
    expect(rows.filter((row) => row.status === "failed").map((row) => row.id)).toEqual([ids[6]]);
    expect(rows.filter((row) => row.status === "processed")).toHaveLength(ids.length - 1);
    const threads = Array.from({ length: 12 }, (_, i) => 1 + (i % 3));
    const allThreads = threads.reduce((a, b) => a + b, 0);
    const number = await numberOf(biz);
    expect(number).toMatchObject({ historyState: "complete", historyProgress: 100, historyPhase: 2 });
    expect(number.historyCounts).toEqual({
      chunks: 14,
      threads: allThreads + threads[0]! + threads[1]!,
      messages: 2 * allThreads,
      duplicates: 2 * (threads[0]! + threads[1]!),
    });
    const stored = await getDb()
      .select({ id: messages.id })
      .from(messages)
      .where(inArray(messages.text, ["history 200.0", "history 210.1", "history 400.0"]));
    expect(stored).toHaveLength(2);
  });

  it("keeps a number declined when its decline and later chunks are applied in one batch", async () => {
    const biz = bizOf(3);
    const ids = await store([
      chunk(biz, { first: 500, threads: 2, progress: 30, phase: 1 }),
      meta.historyDeclined(biz),
      chunk(biz, { first: 510, threads: 1, progress: 100, phase: 2 }),
    ]);
    const applied = await applyNextWebhookEvents({ ctx, input: { limit: 32 } });
    expect(applied.map((outcome) => outcome.eventId)).toEqual(ids);
    const number = await numberOf(biz);
    expect(number).toMatchObject({ historyState: "declined", historyProgress: 100, historyPhase: 2 });
    expect(number.historyCounts).toEqual({ chunks: 2, threads: 3, messages: 6, duplicates: 0 });
  });
});
