import type postgres from "postgres";
import { getSql } from "@/lib/db/client";

export type Health = { ok: boolean; db: "up" | "down"; jobs: { lag_ms: number | null }; reason?: string };

// A probe must answer: on a broken pool a query can wait for a connection far longer than any load balancer
// will. 4 s: under a typical 5 s probe timeout, but above what a pool saturated by load makes `select 1` wait.
const CHECK_TIMEOUT_MS = 4_000;

class CheckTimeout extends Error {}

/** `promise`, or a CheckTimeout rejection once `ms` has passed (the query itself is left to finish or fail). */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(`database check timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Readiness: the database answers, and how long the oldest waiting work has waited (stored webhooks and jobs).
 * Bounded by `timeoutMs` in all: past it the answer is "down" with a reason rather than no answer.
 */
export async function checkHealth({
  sql = getSql(),
  timeoutMs = CHECK_TIMEOUT_MS,
}: { sql?: postgres.Sql; timeoutMs?: number } = {}): Promise<Health> {
  const started = performance.now();
  try {
    await within(sql`select 1`.execute(), timeoutMs);
    const remaining = Math.max(1, timeoutMs - (performance.now() - started));
    const [lag] = await within(
      sql<{ lag_ms: number | null }[]>`
      select greatest(
        (select coalesce(extract(epoch from now() - min(received_at)) * 1000, 0) from webhook_events
          where status = 'pending' and (retry_at is null or retry_at <= now())),
        (select coalesce(extract(epoch from now() - min(created_on)) * 1000, 0) from pgboss.job
          where state = 'created' and start_after <= now())
      )::float8 as lag_ms`.execute(),
      remaining,
    ).catch(() => [{ lag_ms: null }]);
    return {
      ok: true,
      db: "up",
      jobs: { lag_ms: lag?.lag_ms === null || lag === undefined ? null : Math.round(lag.lag_ms) },
    };
  } catch (error) {
    const reason =
      error instanceof CheckTimeout ? error.message : `database unavailable: ${(error as Error).message}`;
    return { ok: false, db: "down", jobs: { lag_ms: null }, reason };
  }
}
