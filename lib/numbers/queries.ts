import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { phoneNumbers } from "@/lib/db/schema";
import { ValidationError } from "@/lib/errors";

export type PhoneNumber = typeof phoneNumbers.$inferSelect;

export async function findNumberByMetaId(
  db: DbOrTx,
  phoneNumberId: string,
): Promise<PhoneNumber | undefined> {
  const [row] = await db
    .select()
    .from(phoneNumbers)
    .where(eq(phoneNumbers.phoneNumberId, phoneNumberId))
    .limit(1);
  return row;
}

export async function listNumbers(db: DbOrTx): Promise<PhoneNumber[]> {
  return db.select().from(phoneNumbers).orderBy(phoneNumbers.createdAt);
}

/** A team id given for a number must name a team: a 422 on that field, not a foreign-key 500. */
export async function assertTeamExists(db: DbOrTx, teamId: string, field: string): Promise<void> {
  const rows = await db.execute(sql`select 1 from teams where id = ${teamId}`);
  if (rows.length === 0) throw new ValidationError(`${field} does not name a team`, { field });
}
