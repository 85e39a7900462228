import { getSql } from "@/lib/db/client";

export type Health = { ok: boolean; db: "up" | "down"; jobs: { lag_ms: number | null } };

/** Readiness: the database answers, and how long the oldest waiting job has waited (queue lag). */
export async function checkHealth(): Promise<Health> {
  try {
    const sql = getSql();
    await sql`select 1`;
    const [lag] = await sql<{ lag_ms: number | null }[]>`
      select coalesce(extract(epoch from now() - min(created_on)) * 1000, 0)::float8 as lag_ms
      from pgboss.job where state = 'created' and start_after <= now()`.catch(() => [{ lag_ms: null }]);
    return {
      ok: true,
      db: "up",
      jobs: { lag_ms: lag?.lag_ms === null || lag === undefined ? null : Math.round(lag.lag_ms) },
    };
  } catch {
    return { ok: false, db: "down", jobs: { lag_ms: null } };
  }
}
