import { getSql } from "@/lib/db/client";

export type Health = { ok: boolean; db: "up" | "down"; jobs: { lag_ms: number | null } };

/** Readiness: the database answers, and how long the oldest waiting work has waited (stored webhooks and jobs). */
export async function checkHealth(): Promise<Health> {
  try {
    const sql = getSql();
    await sql`select 1`;
    const [lag] = await sql<{ lag_ms: number | null }[]>`
      select greatest(
        (select coalesce(extract(epoch from now() - min(received_at)) * 1000, 0) from webhook_events
          where status = 'pending' and (retry_at is null or retry_at <= now())),
        (select coalesce(extract(epoch from now() - min(created_on)) * 1000, 0) from pgboss.job
          where state = 'created' and start_after <= now())
      )::float8 as lag_ms`.catch(() => [{ lag_ms: null }]);
    return {
      ok: true,
      db: "up",
      jobs: { lag_ms: lag?.lag_ms === null || lag === undefined ? null : Math.round(lag.lag_ms) },
    };
  } catch {
    return { ok: false, db: "down", jobs: { lag_ms: null } };
  }
}
