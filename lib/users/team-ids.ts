import { inArray } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { teams } from "@/lib/db/schema";
import { ValidationError } from "@/lib/errors";

/** Names the first team id that does not exist (a 422, not a foreign-key 500). */
export async function assertTeamsExist(db: DbOrTx, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return;
  const found = await db.select({ id: teams.id }).from(teams).where(inArray(teams.id, teamIds));
  const known = new Set(found.map((t) => t.id));
  const missing = teamIds.findIndex((id) => !known.has(id));
  if (missing >= 0)
    throw new ValidationError(`team_ids.${missing} is not an existing team`, {
      field: `team_ids.${missing}`,
    });
}
