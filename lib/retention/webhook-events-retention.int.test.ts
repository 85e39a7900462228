import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { ForbiddenError } from "@/lib/errors";
import { registry } from "@/lib/jobs/registry";
import { queues } from "@/lib/jobs/queues";
import { useTestDatabase } from "@/tests/int/db";
import { pruneSendRateLimits, purgeWebhookEvents } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };

async function insertEvents(status: "pending" | "processed" | "failed", ageHours: number, count: number) {
  const rows = await getDb().execute<{ id: string }>(sql`
    insert into webhook_events (body, status, received_at)
    select convert_to('{"n":' || g || '}', 'UTF8'), ${status}::webhook_event_status, now() - make_interval(secs => ${ageHours * 3600})
    from generate_series(1, ${count}) g returning id`);
  return rows.map((r) => Number(r.id));
}

async function remaining() {
  const rows = await getDb().execute<{ id: string }>(sql`select id from webhook_events order by id`);
  return rows.map((r) => Number(r.id));
}

describe("webhook_events retention", () => {
  it("deletes only applied or failed rows older than the period, in bounded batches, never pending ones", async () => {
    // Interleaved as a real table is: old pending rows (stuck behind a fault) between old applied ones.
    const oldApplied = await insertEvents("processed", 48, 5);
    const oldPending = await insertEvents("pending", 47, 2);
    const oldFailed = await insertEvents("failed", 46, 2);
    const oldApplied2 = await insertEvents("processed", 45, 4);
    const fresh = await insertEvents("processed", 1, 3);
    const freshPending = await insertEvents("pending", 0, 1);

    const result = await purgeWebhookEvents({ ctx: system, input: { olderThanHours: 24, batchSize: 3 } });

    expect(result.deleted).toBe(oldApplied.length + oldFailed.length + oldApplied2.length);
    // 17 rows in chunks of 3: the walk stops at the first chunk that reaches a row inside the period.
    expect(result.batches).toBeGreaterThanOrEqual(Math.ceil(11 / 3));
    expect(result.batches).toBeLessThanOrEqual(Math.ceil(17 / 3));
    expect(await remaining()).toEqual([...oldPending, ...fresh, ...freshPending]);

    // A second run finds nothing more to do.
    const again = await purgeWebhookEvents({ ctx: system, input: { olderThanHours: 24, batchSize: 3 } });
    expect(again.deleted).toBe(0);
    expect(await remaining()).toEqual([...oldPending, ...fresh, ...freshPending]);
  });

  it("stops after maxBatches and the next run goes on", async () => {
    await getDb().execute(sql`delete from webhook_events`);
    await insertEvents("processed", 10, 10);
    const first = await purgeWebhookEvents({
      ctx: system,
      input: { olderThanHours: 1, batchSize: 2, maxBatches: 2 },
    });
    expect(first).toMatchObject({ deleted: 4, batches: 2 });
    expect((await remaining()).length).toBe(6);
    const second = await purgeWebhookEvents({ ctx: system, input: { olderThanHours: 1, batchSize: 2 } });
    expect(second.deleted).toBe(6);
    expect(await remaining()).toEqual([]);
  });

  it("is the system's job, not even an admin's", async () => {
    const admin = { type: "user" as const, id: crypto.randomUUID(), role: "admin" as const, teamIds: [] };
    await expect(
      purgeWebhookEvents({ ctx: { actor: admin }, input: { olderThanHours: 1 } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("drops send-rate keys idle for minutes and keeps busy ones", async () => {
    await getDb().execute(sql`
      insert into send_rate_limits (key, tat) values
        ('test:idle', now() - interval '30 minutes'),
        ('test:recent', now() - interval '1 minute'),
        ('test:busy', now() + interval '5 seconds')`);
    expect(await pruneSendRateLimits({ ctx: system, input: { idleMinutes: 10 } })).toBe(1);
    const keys = await getDb().execute<{ key: string }>(
      sql`select key from send_rate_limits where key like 'test:%' order by key`,
    );
    expect(keys.map((k) => k.key)).toEqual(["test:busy", "test:recent"]);
  });

  it("runs as the per-minute job with the period from WEBHOOK_EVENTS_RETENTION_HOURS", async () => {
    await getDb().execute(sql`delete from webhook_events`);
    const old = await insertEvents("processed", 3, 2);
    const kept = await insertEvents("processed", 1, 2);
    setRuntimeEnv({ WEBHOOK_EVENTS_RETENTION_HOURS: "2" });
    try {
      await registry[queues.webhookEventsPurge].handle({});
    } finally {
      delete process.env.WEBHOOK_EVENTS_RETENTION_HOURS;
      setRuntimeEnv({});
    }
    expect(old).toHaveLength(2);
    expect(await remaining()).toEqual(kept);
  });
});
