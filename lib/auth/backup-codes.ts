import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { mfaBackupCodes } from "@/lib/db/schema";
import { deriveKey } from "./secret-box";

export const BACKUP_CODE_COUNT = 10;
// No 0/O/1/I/L: read off paper without ambiguity. 10 characters ≈ 50 bits each.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function normalizeBackupCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

export function looksLikeBackupCode(code: string): boolean {
  return /^[A-Z0-9]{10}$/.test(normalizeBackupCode(code));
}

// Keyed hash: the codes are random, so a slow hash adds little, and the key keeps a leaked table useless.
export function hashBackupCode(userId: string, code: string): string {
  return crypto
    .createHmac("sha256", deriveKey("backup-code"))
    .update(`${userId}:${normalizeBackupCode(code)}`)
    .digest("hex");
}

/** Replaces the user's codes (inside the enrolment transaction). */
export async function storeBackupCodes(tx: DbOrTx, userId: string, codes: string[]): Promise<void> {
  await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
  await tx
    .insert(mfaBackupCodes)
    .values(codes.map((code) => ({ userId, codeHash: hashBackupCode(userId, code) })));
}

/** Marks a matching unused code as used; true when one was. The conditional update makes it single-use under races. */
export async function consumeBackupCode(
  db: DbOrTx,
  userId: string,
  code: string,
  now: Date,
): Promise<boolean> {
  const used = await db
    .update(mfaBackupCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(mfaBackupCodes.userId, userId),
        eq(mfaBackupCodes.codeHash, hashBackupCode(userId, code)),
        isNull(mfaBackupCodes.usedAt),
      ),
    )
    .returning({ id: mfaBackupCodes.id });
  return used.length > 0;
}
