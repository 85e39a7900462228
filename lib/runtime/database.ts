import type { Env } from "@/lib/env.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded";
import { runMigrations } from "@/lib/db/migrate";
import { StartupError } from "./secrets";

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
    const code = (error as { code?: string }).code;
    if (
      env.DATABASE_URL &&
      code &&
      /^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|28P01|3D000)$/.test(code)
    ) {
      const { hostname, port, pathname } = new URL(env.DATABASE_URL);
      const reason = (error as Error).message.replace(/^connect /, "");
      throw new StartupError(
        `Cannot use the database at DATABASE_URL (${hostname}:${port || 5432}${pathname}): ${reason}`,
      );
    }
    throw error;
  }
  return { url, embedded };
}
