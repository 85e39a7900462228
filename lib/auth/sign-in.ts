import { and, eq } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { getDb, type DbOrTx } from "@/lib/db/client";
import { databaseNow } from "@/lib/db/clock";
import { users } from "@/lib/db/schema";
import { verifyCredentials } from "@/lib/users";
import { systemActor, type Role } from "./actor";
import { consumeBackupCode, looksLikeBackupCode } from "./backup-codes";
import { createSession, revokeSessions } from "./sessions";
import { mfaThrottle, recordAttempt, signInThrottle, type SignInOutcome } from "./throttle";
import { openTotp, sealTotp, verifyTotp } from "./totp";

type UserRow = typeof users.$inferSelect;

export type SignInInput = {
  email: string;
  password: string;
  /** The 6-digit TOTP code or a backup code, on the second submit when the account has MFA. */
  code?: string;
  ip: string | null;
  userAgent: string | null;
  /** The session this browser held before (if any): signing in again ends it (new session id, R13). */
  previous?: { userId: string; sessionId: string };
  now?: Date;
};

export type SignedInUser = { id: string; email: string; name: string; role: Role; sessionVersion: number };

export type SignInResult =
  | { ok: true; user: SignedInUser; sessionId: string }
  | { ok: false; reason: "invalid" | "mfa_required" | "mfa_failed" }
  | { ok: false; reason: "throttled"; retryAfterS: number };

/**
 * One sign-in attempt, start to end: throttle (before any password work), credentials, second factor,
 * then a fresh session row. Every attempt is logged to sign_in_attempts and the audit log.
 */
export async function signInWithPassword(input: SignInInput): Promise<SignInResult> {
  const db = getDb();
  const now = input.now ?? new Date();
  const email = input.email.trim();
  const base = { email, ip: input.ip, now };

  const throttle = await signInThrottle(db, { email, ip: input.ip, now });
  if (throttle.retryAfterS > 0) {
    await logFailure(db, { ...base, userId: null, outcome: "throttled", detail: { scope: throttle.scope } });
    return { ok: false, reason: "throttled", retryAfterS: throttle.retryAfterS };
  }

  const check = await verifyCredentials(email, input.password, db);
  if (check.outcome !== "ok") {
    await logFailure(db, { ...base, userId: check.user?.id ?? null, outcome: check.outcome });
    return { ok: false, reason: "invalid" };
  }
  const user = check.user;

  let mfaVerified = false;
  if (user.mfaEnabledAt && user.mfaSecret) {
    const code = input.code?.trim();
    if (!code) {
      await logFailure(db, { ...base, userId: user.id, outcome: "mfa_required" });
      return { ok: false, reason: "mfa_required" };
    }
    const wait = await mfaThrottle(db, { userId: user.id, email, now });
    if (wait > 0) {
      await logFailure(db, { ...base, userId: user.id, outcome: "throttled", detail: { scope: "mfa" } });
      return { ok: false, reason: "throttled", retryAfterS: wait };
    }
    // The code is checked on Postgres' clock: an instance whose own clock drifted still accepts it (R18).
    const factor = await checkSecondFactor(db, user, code, input.now ?? (await databaseNow(db)));
    if (!factor) {
      await logFailure(db, { ...base, userId: user.id, outcome: "mfa_failed" });
      return { ok: false, reason: "mfa_failed" };
    }
    mfaVerified = true;
  }

  const sessionId = await db.transaction(async (tx) => {
    if (input.previous) await revokeSessions(tx, { ...input.previous, reason: "signed_in_again", now });
    const id = await createSession(tx, {
      userId: user.id,
      ip: input.ip,
      userAgent: input.userAgent,
      mfaVerified,
      now,
    });
    await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
    await recordAttempt(tx, { email, ip: input.ip, userId: user.id, outcome: "success", at: now });
    await emitAudit(
      tx,
      { type: "user", id: user.id, role: user.role, teamIds: [], via: { kind: "session", sessionId: id } },
      {
        action: "auth.sign_in",
        entityType: "user",
        entityId: user.id,
        data: { sessionId: id, ip: input.ip, mfa: mfaVerified },
      },
    );
    return id;
  });
  return {
    ok: true,
    sessionId,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionVersion: user.sessionVersion,
    },
  };
}

/**
 * A TOTP code (accepted once: the step is stored with a compare-and-set on the sealed secret, so two
 * concurrent uses of one code cannot both pass) or an unused backup code.
 */
async function checkSecondFactor(db: DbOrTx, user: UserRow, code: string, now: Date): Promise<boolean> {
  if (/^\d{6}$/.test(code)) {
    const stored = openTotp(user.mfaSecret);
    if (!stored) return false;
    const result = await verifyTotp(stored, code, now);
    if (!result.ok) return false;
    const updated = await db
      .update(users)
      .set({ mfaSecret: sealTotp({ ...stored, lastStep: result.step }) })
      .where(and(eq(users.id, user.id), eq(users.mfaSecret, user.mfaSecret!)))
      .returning({ id: users.id });
    return updated.length === 1;
  }
  if (looksLikeBackupCode(code)) return consumeBackupCode(db, user.id, code, now);
  return false;
}

async function logFailure(
  db: DbOrTx,
  input: {
    email: string;
    ip: string | null;
    userId: string | null;
    outcome: SignInOutcome;
    now: Date;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db.transaction(async (tx) => {
    await recordAttempt(tx, { ...input, at: input.now });
    await emitAudit(tx, systemActor("auth"), {
      action: "auth.sign_in_failed",
      entityType: "user",
      entityId: input.userId,
      data: { email: input.email.slice(0, 320), ip: input.ip, outcome: input.outcome, ...input.detail },
    });
  });
}
