import { and, count, eq, gt, inArray, max, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { signInAttempts } from "@/lib/db/schema";

// Progressive delay instead of lockout (ASVS 6.1.1 / BENCHMARKS.md R12): after `threshold` failures in the
// window, each further attempt must wait base·2^(n−threshold) seconds after the last failure, capped. The
// right password always works once the delay has passed, so an attacker cannot lock the owner out.
export type ThrottleRule = { threshold: number; baseS: number; capS: number };

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_RULE: ThrottleRule = { threshold: 5, baseS: 1, capS: 30 };
// Higher threshold: one office behind one NAT shares an address.
export const IP_RULE: ThrottleRule = { threshold: 20, baseS: 1, capS: 30 };
// TOTP guesses need the password first; at most 5 per window, then a steeper delay.
export const MFA_RULE: ThrottleRule = { threshold: 5, baseS: 30, capS: 15 * 60 };

export const PASSWORD_FAILURES = ["bad_password", "unknown_user", "disabled"] as const;
export const SIGN_IN_OUTCOMES = [
  "success",
  "bad_password",
  "unknown_user",
  "disabled",
  "mfa_required",
  "mfa_failed",
  "throttled",
] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

export type FailureStats = { failures: number; lastFailureAt: Date | null };

export function delaySeconds(failures: number, rule: ThrottleRule): number {
  if (failures < rule.threshold) return 0;
  return Math.min(rule.capS, rule.baseS * 2 ** (failures - rule.threshold));
}

/** Seconds still to wait (0: go ahead). */
export function retryAfterSeconds(stats: FailureStats, rule: ThrottleRule, now: Date): number {
  const delay = delaySeconds(stats.failures, rule);
  if (delay === 0 || !stats.lastFailureAt) return 0;
  const waitMs = stats.lastFailureAt.getTime() + delay * 1000 - now.getTime();
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
}

/** Whether a password attempt for this email from this IP must wait; checked before any password work. */
export async function signInThrottle(
  db: DbOrTx,
  input: { email: string; ip: string | null; now: Date },
): Promise<{ retryAfterS: number; scope: "account" | "ip" | null }> {
  const since = new Date(input.now.getTime() - THROTTLE_WINDOW_MS);
  const failed = inArray(signInAttempts.outcome, [...PASSWORD_FAILURES]);
  const [account, ip] = await Promise.all([
    stats(
      db,
      and(sql`lower(${signInAttempts.email}) = lower(${input.email})`, gt(signInAttempts.at, since), failed),
    ),
    input.ip
      ? stats(db, and(eq(signInAttempts.ip, input.ip), gt(signInAttempts.at, since), failed))
      : Promise.resolve({ failures: 0, lastFailureAt: null }),
  ]);
  const byAccount = retryAfterSeconds(account, ACCOUNT_RULE, input.now);
  const byIp = retryAfterSeconds(ip, IP_RULE, input.now);
  if (byAccount === 0 && byIp === 0) return { retryAfterS: 0, scope: null };
  return byAccount >= byIp
    ? { retryAfterS: byAccount, scope: "account" }
    : { retryAfterS: byIp, scope: "ip" };
}

/** Whether this user's next TOTP/backup-code attempt must wait. */
export async function mfaThrottle(
  db: DbOrTx,
  input: { userId: string; email: string; now: Date },
): Promise<number> {
  const since = new Date(input.now.getTime() - THROTTLE_WINDOW_MS);
  // Filtered by email first so the (lower(email), at) index serves it.
  const s = await stats(
    db,
    and(
      sql`lower(${signInAttempts.email}) = lower(${input.email})`,
      gt(signInAttempts.at, since),
      eq(signInAttempts.userId, input.userId),
      eq(signInAttempts.outcome, "mfa_failed"),
    ),
  );
  return retryAfterSeconds(s, MFA_RULE, input.now);
}

export async function recordAttempt(
  db: DbOrTx,
  input: { email: string; ip: string | null; userId: string | null; outcome: SignInOutcome; at: Date },
): Promise<void> {
  await db.insert(signInAttempts).values({
    email: input.email.slice(0, 320),
    ip: input.ip,
    userId: input.userId,
    outcome: input.outcome,
    at: input.at,
  });
}

async function stats(db: DbOrTx, where: ReturnType<typeof and>): Promise<FailureStats> {
  const [row] = await db
    .select({ failures: count(), lastFailureAt: max(signInAttempts.at) })
    .from(signInAttempts)
    .where(where);
  return { failures: row?.failures ?? 0, lastFailureAt: row?.lastFailureAt ?? null };
}
