import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import type { ConsentKeyword } from "./keywords";
import type { ConsentStateName } from "./schemas";

type Override = ConsentKeyword & { enabled: boolean };

// Read on the ingest path for short customer messages: cached briefly per process, like routing lookups.
const TTL_MS = 5_000;
let cached: { at: number; rows: Override[] } | null = null;

export async function loadKeywordOverrides(db: DbOrTx): Promise<Override[]> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.rows;
  const rows = await db.execute<{
    keyword: string;
    state: ConsentStateName;
    category: string;
    enabled: boolean;
    language: string | null;
  }>(sql`select keyword, state, category, enabled, language from consent_keywords`);
  const overrides = rows.map((r) => ({
    keyword: r.keyword,
    state: r.state,
    category: r.category,
    enabled: r.enabled,
    ...(r.language ? { language: r.language } : {}),
  }));
  cached = { at: Date.now(), rows: overrides };
  return overrides;
}

/** After an admin edit in this process; other processes see it within the TTL. */
export function forgetKeywordOverrides(): void {
  cached = null;
}
