import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export const migrationsFolder = path.resolve(import.meta.dirname, "../../drizzle");

/** Applies drizzle/ migrations. Concurrent starts are safe: Postgres serializes on an advisory lock. */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(7231001)`;
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql`select pg_advisory_unlock(7231001)`.catch(() => {});
    await sql.end({ timeout: 5 });
  }
}
