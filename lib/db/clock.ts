import { sql } from "drizzle-orm";
import type { DbOrTx } from "./client";

/**
 * Postgres' clock, for checks that must agree across processes whatever an instance's own clock says
 * (R18: an instance skewed by minutes must still accept a valid TOTP code).
 */
export async function databaseNow(db: DbOrTx): Promise<Date> {
  const [row] = await db.execute<{ now: string | Date }>(sql`select now() as now`);
  return new Date(row!.now);
}
