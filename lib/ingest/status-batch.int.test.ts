import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { applyStatuses } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/context";
import { conversations, messages, messageStatuses, webhookEvents } from "@/lib/db/schema";
import { startIngestDrain, stopIngestDrain } from "@/lib/jobs/ingest-drain";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { metaJson, signBody } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import type { StatusUpdated } from "@/lib/whatsapp/events";
import { normalizeWebhook } from "@/lib/whatsapp/normalize";
import { TEST_APP_SECRET, useTestDatabase } from "@/tests/int/db";
import { acceptWebhook, applyNextWebhookEvents, INGEST_CHANNEL, storeWebhookEvent } from "./index";

// Issue 5: a batch's receipts applied with set-based statements, and lanes woken across processes.
const database = useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "420000000000001",
  phoneNumberId: "160000000000001",
  displayNumber: "15550160001",
};
let seq = 0;
const wamid = () => `wamid.sb${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);
const person = (n: number): meta.Person => ({
  name: `Status Person ${n}`,
  phone: `4477229${String(n).padStart(5, "0")}`,
  bsuid: `GB.${n}000555666`,
});
const RANK = ["sent", "failed", "delivered", "read"] as const;
type Receipt = (typeof RANK)[number];
const failure = (code: number): meta.ErrorObject => ({
  code,
  title: `Error ${code}`,
  message: `Error ${code}`,
  error_data: { details: `details ${code}` },
});

beforeAll(async () => {
  const team = await createTeam({ ctx, input: { name: "Status team" } });
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 016 0001", coexistence: true, defaultTeamId: team.id },
  });
});

afterAll(async () => {
  await stopIngestDrain();
});

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

async function store(bodies: unknown[]): Promise<number[]> {
  const ids: number[] = [];
  for (const body of bodies) ids.push(await storeWebhookEvent(Buffer.from(metaJson(body))));
  return ids;
}

const echo = (p: meta.Person, id: string, n: number) =>
  meta.messageEcho(biz, p, { id, timestamp: ts(600 - n), content: { type: "text", body: `sb-echo ${n}` } });

/** Receipts of message n: a different mix per message, some with a failure (its code is 131000 + n). */
function receiptsOf(n: number): Receipt[] {
  const all = RANK.filter((_, r) => (n >> r) & 1 || r === n % 4);
  // Duplicates, as Meta redelivers.
  return [...all, all[0]!];
}

async function messageRows(wamids: string[]) {
  return getDb()
    .select({ wamid: messages.wamid, status: messages.status, error: messages.error })
    .from(messages)
    .where(inArray(messages.wamid, wamids));
}

describe("set-based receipts (issue 5)", () => {
  it("applies 50 messages' shuffled receipts in one batch: highest rank wins, failed keeps its error", async () => {
    const people = Array.from({ length: 10 }, (_, i) => person(i));
    const ids = Array.from({ length: 50 }, () => wamid());
    // 45 messages stored first; the last 5 arrive in the same batch as their receipts (either order).
    await store(ids.slice(0, 45).map((id, n) => echo(people[n % 10]!, id, n)));
    await applyNextWebhookEvents({ ctx, input: { limit: 100 } });
    const [before] = await getDb()
      .select({ seq: sql<number>`sum(${conversations.seq})::int` })
      .from(conversations);

    const receipts = ids.flatMap((id, n) =>
      receiptsOf(n).map((status) =>
        meta.statusUpdate(biz, people[n % 10]!, {
          id,
          status,
          timestamp: ts(),
          sentTo: "phone",
          ...(status === "failed" ? { errors: [failure(131000 + n)] } : {}),
        }),
      ),
    );
    const late = ids.slice(45).map((id, k) => echo(people[(45 + k) % 10]!, id, 45 + k));
    const unknownNumber = meta.statusUpdate({ ...biz, phoneNumberId: "169999999999999" }, people[0]!, {
      id: ids[0]!,
      status: "read",
      timestamp: ts(),
      sentTo: "phone",
    });
    const webhookIds = await store(shuffled([...receipts, ...late, unknownNumber], 11));
    // One claim for the lot: the set-based path, not one receipt at a time.
    const applied = await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
    expect(applied).toHaveLength(webhookIds.length);

    const rows = new Map((await messageRows(ids)).map((row) => [row.wamid, row]));
    for (const [n, id] of ids.entries()) {
      const receipts = receiptsOf(n);
      const best = RANK[Math.max(...receipts.map((s) => RANK.indexOf(s)))];
      const row = rows.get(id);
      expect(row?.status, `message ${n}`).toBe(best);
      // Every message started without a status, so a failure among its receipts left its error.
      if (receipts.includes("failed")) expect(row?.error, `message ${n}`).toMatchObject({ code: 131000 + n });
      else expect(row?.error ?? null, `message ${n}`).toBeNull();
    }
    // One row per (wamid, status), duplicates dropped.
    const stored = await getDb()
      .select({ wamid: messageStatuses.wamid })
      .from(messageStatuses)
      .where(inArray(messageStatuses.wamid, ids));
    expect(stored).toHaveLength(ids.reduce((sum, _, n) => sum + new Set(receiptsOf(n)).size, 0));
    // The unknown number fails alone; everything else is processed.
    const outcomes = await getDb()
      .select({ status: webhookEvents.status, error: webhookEvents.error })
      .from(webhookEvents)
      .where(inArray(webhookEvents.id, webhookIds));
    const failed = outcomes.filter((o) => o.status !== "processed");
    expect(failed).toEqual([
      { status: "failed", error: expect.stringContaining("unknown phone_number_id 169999999999999") },
    ]);
    // The raised messages' conversations were bumped for the live update.
    const [after] = await getDb()
      .select({ seq: sql<number>`sum(${conversations.seq})::int` })
      .from(conversations);
    expect(after!.seq).toBeGreaterThan(before!.seq);

    // Late, lower receipts (a redelivered "sent", a "failed" after "read") never move a message back.
    await store(
      ids.map((id, n) =>
        meta.statusUpdate(biz, people[n % 10]!, {
          id,
          status: n % 2 ? "sent" : "failed",
          timestamp: ts(),
          sentTo: "phone",
          errors: n % 2 ? undefined : [failure(132000)],
        }),
      ),
    );
    await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
    const again = new Map((await messageRows(ids)).map((row) => [row.wamid, row]));
    for (const [n, id] of ids.entries()) {
      const was = rows.get(id)!;
      const late: Receipt = n % 2 ? "sent" : "failed";
      const raisedByLate = RANK.indexOf(late) > RANK.indexOf(was.status as Receipt);
      expect(again.get(id), `message ${n}`).toEqual(
        raisedByLate ? { ...was, status: late, error: expect.objectContaining({ code: 132000 }) } : was,
      );
    }
  });

  it("applyStatuses: a receipt for a message not stored yet waits, and the message takes it when it comes", async () => {
    const p = person(40);
    const id = wamid();
    const events = (["delivered", "read", "sent"] as const).flatMap(
      (status) =>
        normalizeWebhook(
          JSON.parse(metaJson(meta.statusUpdate(biz, p, { id, status, timestamp: ts(), sentTo: "phone" }))),
        ).events as StatusUpdated[],
    );
    const raised = await withTransaction(ctx, (tx) => applyStatuses(tx, events));
    expect(raised.size).toBe(0);
    await store([echo(p, id, 99)]);
    await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
    const [row] = await messageRows([id]);
    expect(row?.status).toBe("read");
    // Applying the same receipts again records nothing new and raises nothing.
    expect((await withTransaction(ctx, (tx) => applyStatuses(tx, events))).size).toBe(0);
  });
});

describe("wamid locks held elsewhere (issue 5)", () => {
  it("defers a webhook whose message another batch is writing, applies its siblings, then applies it", async () => {
    const p = person(30);
    const busy = wamid();
    const other = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      await store([echo(p, busy, 30)]);
      await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
      // Another batch holds the message's lock (as ingest does, keyed by the wamid's hash).
      const key = createHash("sha1").update(`ingest:wamid:${busy}`).digest().readBigInt64BE(0);
      await other`select pg_advisory_lock(${key.toString()}::bigint)`;
      const sibling = wamid();
      const [blocked, free] = await store([
        meta.statusUpdate(biz, p, { id: busy, status: "read", timestamp: ts(), sentTo: "phone" }),
        echo(p, sibling, 31),
      ]);
      const first = await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
      expect(first.map((a) => a.eventId)).toEqual([free]);
      const [waiting] = await getDb()
        .select({ status: webhookEvents.status })
        .from(webhookEvents)
        .where(eq(webhookEvents.id, blocked!));
      expect(waiting?.status).toBe("pending");

      await other`select pg_advisory_unlock(${key.toString()}::bigint)`;
      const second = await applyNextWebhookEvents({ ctx, input: { limit: 10 } });
      expect(second.map((a) => a.eventId)).toEqual([blocked]);
      expect((await messageRows([busy]))[0]?.status).toBe("read");
    } finally {
      await other.end();
    }
  });
});

describe("lane wake-ups across processes (issue 5)", () => {
  it("a webhook stored where no lane runs sends a NOTIFY on the ingest channel", async () => {
    const listener = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      let heard = 0;
      await listener.listen(INGEST_CHANNEL, () => {
        heard += 1;
      });
      const body = metaJson(echo(person(50), wamid(), 50));
      const request = new Request("http://localhost/api/webhooks/whatsapp", {
        method: "POST",
        headers: { "x-hub-signature-256": signBody(body, TEST_APP_SECRET) },
        body,
      });
      const ack = await acceptWebhook({ headers: request.headers, body: request.body });
      expect(ack.status).toBe(200);
      await expect.poll(() => heard, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      await listener.end();
    }
  });

  it("a lane that only polls once an hour applies a webhook stored by another process when NOTIFYed", async () => {
    // Nothing pending, then the lane goes to sleep for an hour: only a NOTIFY can wake it.
    await applyNextWebhookEvents({ ctx, input: { limit: 500 } });
    startIngestDrain(1, { idlePollMs: 3_600_000 });
    const other = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const id = wamid();
      const [row] = await other<{ id: string }[]>`
        insert into webhook_events (body) values (${Buffer.from(metaJson(echo(person(51), id, 51)))}) returning id`;
      // The other process's nudge, repeated in case the lane's LISTEN was not yet in place.
      await expect
        .poll(
          async () => {
            await other.notify(INGEST_CHANNEL, "");
            const [event] = await getDb()
              .select({ status: webhookEvents.status })
              .from(webhookEvents)
              .where(eq(webhookEvents.id, Number(row!.id)));
            return event?.status;
          },
          { timeout: 20_000, interval: 200 },
        )
        .toBe("processed");
      expect(await messageRows([id])).toHaveLength(1);
    } finally {
      await other.end();
      await stopIngestDrain();
    }
  });
});
