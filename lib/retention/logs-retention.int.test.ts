import { sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { signInThrottle } from "@/lib/auth/throttle";
import { getDb } from "@/lib/db/client";
import { parseEnv, setRuntimeEnv } from "@/lib/env.js";
import { ForbiddenError } from "@/lib/errors";
import { queues } from "@/lib/jobs/queues";
import { registry } from "@/lib/jobs/registry";
import { useTestDatabase } from "@/tests/int/db";
import { pruneSignInAttempts, pruneWebhookDeliveries } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };
let endpointId = "";

beforeAll(async () => {
  const [row] = await getDb().execute<{ id: string }>(sql`
    insert into webhook_endpoints (name, url, secret, events)
    values ('crm', 'https://crm.example.test/hook', 'sealed', '{message.received}') returning id`);
  endpointId = row!.id;
});

afterEach(async () => {
  await getDb().execute(sql`delete from webhook_deliveries`);
  await getDb().execute(sql`delete from sign_in_attempts`);
});

/** `count` deliveries created `ageDays` ago whose last attempt (next_attempt_at) was `lastDays` ago. */
async function insertDeliveries(
  status: "pending" | "delivered" | "failed",
  ageDays: number,
  count: number,
  lastDays = ageDays,
) {
  const rows = await getDb().execute<{ id: string }>(sql`
    insert into webhook_deliveries (endpoint_id, event_type, payload, status, attempts, created_at, next_attempt_at, delivered_at)
    select ${endpointId}::uuid, 'message.received', jsonb_build_object('n', g), ${status}, 1,
      now() - make_interval(secs => ${ageDays * 86_400}), now() - make_interval(secs => ${lastDays * 86_400}),
      case when ${status} = 'delivered' then now() - make_interval(secs => ${lastDays * 86_400}) end
    from generate_series(1, ${count}) g returning id`);
  return rows.map((r) => Number(r.id));
}

async function deliveryIds() {
  const rows = await getDb().execute<{ id: string }>(sql`select id from webhook_deliveries order by id`);
  return rows.map((r) => Number(r.id));
}

async function insertAttempts(ageMinutes: number, count: number, outcome = "bad_password") {
  const rows = await getDb().execute<{ id: string }>(sql`
    insert into sign_in_attempts (email, ip, outcome, at)
    select 'ana@example.test', '203.0.113.7', ${outcome}, now() - make_interval(secs => ${ageMinutes * 60})
    from generate_series(1, ${count}) g returning id`);
  return rows.map((r) => Number(r.id));
}

async function attemptIds() {
  const rows = await getDb().execute<{ id: string }>(sql`select id from sign_in_attempts order by id`);
  return rows.map((r) => Number(r.id));
}

const DAY = 24 * 60;

describe("webhook_deliveries retention", () => {
  it("deletes settled deliveries older than the period in chunks, keeps young and pending ones", async () => {
    // Interleaved as the real log is: retries still owed (one due now) between settled rows.
    const oldDelivered = await insertDeliveries("delivered", 40, 4);
    const oldDue = await insertDeliveries("pending", 40, 1);
    const oldFailed = await insertDeliveries("failed", 39, 2);
    const oldWaiting = await insertDeliveries("pending", 38, 1, -0.01);
    // Created long ago, redelivered by an admin yesterday: its period counts from that attempt.
    const redelivered = await insertDeliveries("delivered", 37, 1, 1);
    const oldDelivered2 = await insertDeliveries("delivered", 36, 3);
    const young = await insertDeliveries("delivered", 2, 2);
    const youngFailed = await insertDeliveries("failed", 1, 1);
    const youngPending = await insertDeliveries("pending", 0, 1);

    const result = await pruneWebhookDeliveries({ ctx: system, input: { olderThanDays: 30, batchSize: 3 } });

    expect(result.deleted).toBe(oldDelivered.length + oldFailed.length + oldDelivered2.length);
    // 16 rows in chunks of 3: more than one chunk, stopping at the first chunk that reaches the period.
    expect(result.batches).toBeGreaterThanOrEqual(Math.ceil(13 / 3));
    expect(result.batches).toBeLessThanOrEqual(Math.ceil(16 / 3));
    const kept = [...oldDue, ...oldWaiting, ...redelivered, ...young, ...youngFailed, ...youngPending];
    expect(await deliveryIds()).toEqual(kept);

    const again = await pruneWebhookDeliveries({ ctx: system, input: { olderThanDays: 30, batchSize: 3 } });
    expect(again.deleted).toBe(0);
    expect(await deliveryIds()).toEqual(kept);
  });

  it("stops after maxBatches and the next run goes on", async () => {
    await insertDeliveries("delivered", 10, 10);
    const first = await pruneWebhookDeliveries({
      ctx: system,
      input: { olderThanDays: 1, batchSize: 2, maxBatches: 2 },
    });
    expect(first).toMatchObject({ deleted: 4, batches: 2 });
    expect(await deliveryIds()).toHaveLength(6);
    const second = await pruneWebhookDeliveries({ ctx: system, input: { olderThanDays: 1, batchSize: 2 } });
    expect(second.deleted).toBe(6);
    expect(await deliveryIds()).toEqual([]);
  });

  it("an idle run stops after its first chunk", async () => {
    await insertDeliveries("delivered", 1, 3);
    const idle = await pruneWebhookDeliveries({ ctx: system, input: { olderThanDays: 30, batchSize: 2 } });
    expect(idle).toMatchObject({ deleted: 0, batches: 1 });
  });
});

describe("sign_in_attempts retention", () => {
  it("deletes attempts older than the period in chunks and keeps younger ones", async () => {
    const old = await insertAttempts(40 * DAY, 5);
    const oldSuccess = await insertAttempts(35 * DAY, 3, "success");
    const young = await insertAttempts(2 * DAY, 2);
    const result = await pruneSignInAttempts({ ctx: system, input: { olderThanDays: 30, batchSize: 3 } });
    expect(result.deleted).toBe(old.length + oldSuccess.length);
    expect(result.batches).toBeGreaterThanOrEqual(3);
    expect(await attemptIds()).toEqual(young);
  });

  it("never deletes what the throttle still counts, whatever period is asked", async () => {
    const outside = await insertAttempts(20, 3);
    // Six failures in the last ten minutes: the account is being throttled.
    const inside = await insertAttempts(1, 6);
    const result = await pruneSignInAttempts({ ctx: system, input: { olderThanDays: 0.000_001 } });
    expect(result.deleted).toBe(outside.length);
    expect(await attemptIds()).toEqual(inside);
    // Asked a second after the last of them, the throttle still sees all six (a delay of 2 s).
    const [last] = await getDb().execute<{ at: string }>(
      sql`select max(at)::text as at from sign_in_attempts`,
    );
    const throttle = await signInThrottle(getDb(), {
      email: "ana@example.test",
      ip: "203.0.113.7",
      now: new Date(new Date(last!.at).getTime() + 1000),
    });
    expect(throttle.scope).toBe("account");
    expect(throttle.retryAfterS).toBeGreaterThan(0);
  });
});

describe("the retention.webhook-events job", () => {
  it("prunes both logs with the periods from the environment and logs the counts", async () => {
    const oldDeliveries = await insertDeliveries("delivered", 3, 2);
    const keptDeliveries = await insertDeliveries("delivered", 1, 1);
    await insertAttempts(3 * DAY, 3);
    const keptAttempts = await insertAttempts(DAY, 1);
    setRuntimeEnv({ WEBHOOK_DELIVERIES_RETENTION_DAYS: "2", SIGN_IN_ATTEMPTS_RETENTION_DAYS: "2" });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await registry[queues.webhookEventsPurge].handle({});
      expect(log).toHaveBeenCalledTimes(1);
      const line = String(log.mock.calls[0]![0]);
      expect(line).toContain(`${oldDeliveries.length} settled webhook deliveries`);
      expect(line).toContain("3 sign-in attempts");
    } finally {
      log.mockRestore();
      delete process.env.WEBHOOK_DELIVERIES_RETENTION_DAYS;
      delete process.env.SIGN_IN_ATTEMPTS_RETENTION_DAYS;
      setRuntimeEnv({});
    }
    expect(await deliveryIds()).toEqual(keptDeliveries);
    expect(await attemptIds()).toEqual(keptAttempts);
  });

  it("defaults both periods to 30 days and refuses a period of 0", () => {
    const defaults = parseEnv({});
    expect(defaults.ok && defaults.env.WEBHOOK_DELIVERIES_RETENTION_DAYS).toBe(30);
    expect(defaults.ok && defaults.env.SIGN_IN_ATTEMPTS_RETENTION_DAYS).toBe(30);
    const zero = parseEnv({ WEBHOOK_DELIVERIES_RETENTION_DAYS: "0", SIGN_IN_ATTEMPTS_RETENTION_DAYS: "-1" });
    expect(zero.ok).toBe(false);
    expect(!zero.ok && zero.message).toMatch(/WEBHOOK_DELIVERIES_RETENTION_DAYS must be more than 0/);
    expect(!zero.ok && zero.message).toMatch(/SIGN_IN_ATTEMPTS_RETENTION_DAYS must be more than 0/);
  });

  it("is the system's job, not even an admin's", async () => {
    const admin = { type: "user" as const, id: crypto.randomUUID(), role: "admin" as const, teamIds: [] };
    await expect(
      pruneWebhookDeliveries({ ctx: { actor: admin }, input: { olderThanDays: 1 } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      pruneSignInAttempts({ ctx: { actor: admin }, input: { olderThanDays: 1 } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
