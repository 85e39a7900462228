import type { Env } from "@/lib/env.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";

export type Database = { url: string; embedded: EmbeddedPostgres | undefined };

/** DATABASE_URL when set; otherwise a real Postgres embedded under DATA_DIR. Migrated either way. */
export async function prepareDatabase(env: Env, log: (line: string) => void): Promise<Database> {
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: env.DATA_DIR, log: (line) => log(`[postgres] ${line}`) });
  const url = env.DATABASE_URL ?? embedded!.url;
  try {
    await runMigrations(url);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { url, embedded };
}
