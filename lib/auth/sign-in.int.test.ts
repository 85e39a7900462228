import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { auditLog, signInAttempts, users } from "@/lib/db/schema";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { confirmMfaEnrolment } from "./confirm-mfa-enrolment";
import { createSession } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { startMfaEnrolment } from "./start-mfa-enrolment";
import { totpCode } from "./totp";

// BENCHMARKS.md R12 (brute force, credential stuffing, TOTP guessing) against real Postgres, with the
// clock passed in so progressive delays can be walked through without waiting.
useTestDatabase();
const system = { actor: systemActor("test") };
const PASSWORD = "correct horse battery staple";

async function newUser(role: "admin" | "agent" = "agent") {
  const email = `u-${crypto.randomUUID()}@example.com`;
  const user = await createUser({ ctx: system, input: { email, name: "U", role, password: PASSWORD } });
  return { ...user, email };
}

async function outcomes(where: ReturnType<typeof eq>) {
  const rows = await getDb()
    .select({ outcome: signInAttempts.outcome, n: sql<number>`count(*)::int` })
    .from(signInAttempts)
    .where(where)
    .groupBy(signInAttempts.outcome);
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n])) as Record<string, number>;
}

describe("password throttling (R12)", () => {
  it("throttles 1,000 guesses on one account with a growing delay, yet the right password works after it", async () => {
    const user = await newUser();
    const t0 = Date.now() + 60 * 60 * 1000;
    const waits: number[] = [];
    let t = t0;
    for (let i = 0; i < 1000; i++) {
      t += 150;
      const result = await signInWithPassword({
        email: user.email,
        password: `wrong-guess-${i}-xxxx`,
        ip: `198.51.100.${i % 250}`, // spread over IPs: only the per-account rule applies
        userAgent: "bench",
        now: new Date(t),
      });
      expect(result.ok).toBe(false);
      if (!result.ok && result.reason === "throttled") waits.push(result.retryAfterS);
    }
    const counted = await outcomes(sql`lower(${signInAttempts.email}) = ${user.email}`);
    // Every attempt logged; only a handful reached the password check.
    expect((counted.bad_password ?? 0) + (counted.throttled ?? 0)).toBe(1000);
    expect(counted.bad_password).toBeLessThanOrEqual(15);
    expect(counted.throttled).toBeGreaterThanOrEqual(985);
    // Progressive: the delay grew to the cap and never beyond it.
    expect(Math.max(...waits)).toBe(30);
    expect(waits.every((w) => w >= 1 && w <= 30)).toBe(true);

    // Still throttled: even the right password is refused without being checked.
    const early = await signInWithPassword({
      email: user.email,
      password: PASSWORD,
      ip: "192.0.2.1",
      userAgent: "owner",
      now: new Date(t + 100),
    });
    expect(early).toMatchObject({ ok: false, reason: "throttled" });
    // After the delay: no lockout.
    const later = await signInWithPassword({
      email: user.email,
      password: PASSWORD,
      ip: "192.0.2.1",
      userAgent: "owner",
      now: new Date(t + 31_000),
    });
    expect(later.ok).toBe(true);

    const audited = await getDb()
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(
        and(eq(auditLog.action, "auth.sign_in_failed"), sql`${auditLog.data}->>'email' = ${user.email}`),
      );
    expect(audited[0]!.n).toBe(1001);
  }, 120_000);

  it("throttles one address trying one password on each of many accounts", async () => {
    const ip = "203.0.113.77";
    const t0 = Date.now() + 2 * 60 * 60 * 1000;
    const results = [];
    for (let i = 0; i < 100; i++) {
      results.push(
        await signInWithPassword({
          email: `stuffing-${i}@example.com`,
          password: "Summer2024!xyz",
          ip,
          userAgent: "stuffer",
          now: new Date(t0 + i * 200),
        }),
      );
    }
    const throttled = results.filter((r) => !r.ok && r.reason === "throttled").length;
    expect(results.slice(0, 20).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
    expect(throttled).toBeGreaterThanOrEqual(70);
    const counted = await outcomes(eq(signInAttempts.ip, ip));
    expect((counted.unknown_user ?? 0) + (counted.throttled ?? 0)).toBe(100);
    // The owner of one of those accounts, elsewhere, is not affected.
    const user = await newUser();
    const own = await signInWithPassword({
      email: user.email,
      password: PASSWORD,
      ip: "192.0.2.55",
      userAgent: "owner",
      now: new Date(t0 + 100 * 200),
    });
    expect(own.ok).toBe(true);
  }, 60_000);

  it("answers unknown users and wrong passwords alike, and refuses disabled users with the right password", async () => {
    const user = await newUser();
    const base = { ip: "192.0.2.9", userAgent: "x" };
    expect(await signInWithPassword({ ...base, email: "nobody@example.com", password: PASSWORD })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await signInWithPassword({ ...base, email: user.email, password: "not the password!" })).toEqual({
      ok: false,
      reason: "invalid",
    });
    await getDb().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await signInWithPassword({ ...base, email: user.email, password: PASSWORD })).toEqual({
      ok: false,
      reason: "invalid",
    });
    const counted = await outcomes(eq(signInAttempts.userId, user.id));
    expect(counted).toMatchObject({ bad_password: 1, disabled: 1 });
  });
});

describe("TOTP", () => {
  async function enrolled() {
    const user = await newUser("admin");
    const sessionId = await createSession(getDb(), {
      userId: user.id,
      ip: null,
      userAgent: null,
      mfaVerified: false,
      now: new Date(),
    });
    const ctx = {
      actor: {
        type: "user" as const,
        id: user.id,
        role: "admin" as const,
        teamIds: [],
        via: { kind: "session" as const, sessionId },
      },
    };
    const start = await startMfaEnrolment({ ctx });
    expect(start.qr_data_url).toMatch(/^data:image\/png;base64,/);
    expect(start.otpauth_uri).toContain(`secret=${start.secret}`);
    await expect(
      confirmMfaEnrolment({ ctx, input: { enrolment_token: start.enrolment_token, code: "000000" } }),
    ).rejects.toThrow(/did not match/);
    const { backup_codes } = await confirmMfaEnrolment({
      ctx,
      input: { enrolment_token: start.enrolment_token, code: await totpCode(start.secret) },
    });
    expect(backup_codes).toHaveLength(10);
    const [row] = await getDb().select().from(users).where(eq(users.id, user.id));
    // Encrypted at rest: the base32 seed does not appear in the column.
    expect(row!.mfaSecret).not.toContain(start.secret);
    return { user, secret: start.secret, backupCodes: backup_codes };
  }
  const attempt = (email: string, code: string | undefined, now: Date) =>
    signInWithPassword({ email, password: PASSWORD, code, ip: "192.0.2.20", userAgent: "x", now });

  it("asks for a code, accepts ±1 step, and refuses a code used before", async () => {
    const { user, secret } = await enrolled();
    const now = new Date(Date.now() + 10 * 60 * 1000);
    expect(await attempt(user.email, undefined, now)).toEqual({ ok: false, reason: "mfa_required" });
    const previousStep = await totpCode(secret, new Date(now.getTime() - 30_000));
    expect((await attempt(user.email, previousStep, now)).ok).toBe(true);
    expect(await attempt(user.email, previousStep, now)).toEqual({ ok: false, reason: "mfa_failed" });
    const nextStep = await totpCode(secret, new Date(now.getTime() + 30_000));
    expect((await attempt(user.email, nextStep, now)).ok).toBe(true);
    const twoAhead = await totpCode(secret, new Date(now.getTime() + 90_000));
    expect(await attempt(user.email, twoAhead, now)).toEqual({ ok: false, reason: "mfa_failed" });
  });

  it("allows 5 wrong codes per window, then makes the next attempt wait", async () => {
    const { user, secret } = await enrolled();
    // 1 s into a 30 s step, so now + 31 s is exactly the next step (±1 allowed), never two steps on.
    const now = new Date(Math.floor((Date.now() + 20 * 60 * 1000) / 30_000) * 30_000 + 1_000);
    for (let i = 0; i < 5; i++)
      expect(await attempt(user.email, String(100000 + i), now)).toEqual({ ok: false, reason: "mfa_failed" });
    const right = await totpCode(secret, now);
    expect(await attempt(user.email, right, now)).toMatchObject({ ok: false, reason: "throttled" });
    expect((await attempt(user.email, right, new Date(now.getTime() + 31_000))).ok).toBe(true);
    const counted = await outcomes(eq(signInAttempts.userId, user.id));
    expect(counted).toMatchObject({ mfa_failed: 5, throttled: 1, success: 1 });
  });

  it("accepts each backup code once", async () => {
    const { user, backupCodes } = await enrolled();
    const code = backupCodes[3]!.toLowerCase();
    expect((await attempt(user.email, code, new Date())).ok).toBe(true);
    expect(await attempt(user.email, code, new Date())).toEqual({ ok: false, reason: "mfa_failed" });
    expect((await attempt(user.email, backupCodes[4]!, new Date())).ok).toBe(true);
  });
});
