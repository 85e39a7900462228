import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { phoneNumbers } from "@/lib/db/schema";

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
