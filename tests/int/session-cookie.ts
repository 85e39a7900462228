import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { encode } from "next-auth/jwt";
import { systemActor } from "@/lib/auth/actor";
import { createSession } from "@/lib/auth/sessions";
import { getDb } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { getEnv } from "@/lib/env.js";
import { createUser } from "@/lib/users";

const COOKIE = "authjs.session-token";

/**
 * A real signed-in session for tests: a user_sessions row (MFA passed unless told otherwise) and the
 * cookie header a browser would send for it, as next-auth encodes it.
 */
export async function sessionFor(
  userId: string,
  options: { mfaVerified?: boolean; now?: Date; ip?: string; userAgent?: string } = {},
): Promise<{ cookie: string; sessionId: string }> {
  const db = getDb();
  const [user] = await db.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  const sessionId = await createSession(db, {
    userId,
    ip: options.ip ?? "127.0.0.1",
    userAgent: options.userAgent ?? "vitest",
    mfaVerified: options.mfaVerified ?? true,
    now: options.now ?? new Date(),
  });
  return { cookie: await cookieFor({ userId, sessionId, sessionVersion: user.sv }), sessionId };
}

export async function sessionCookieFor(userId: string, options?: Parameters<typeof sessionFor>[1]) {
  return (await sessionFor(userId, options)).cookie;
}

/** A new user with `role` (in `teamIds`, if given), signed in: the cookie header of its session. */
export async function cookieForNewUser(
  role: "admin" | "supervisor" | "agent",
  options: { teamIds?: string[] } = {},
): Promise<string> {
  const user = await createUser({
    ctx: { actor: systemActor("test") },
    input: {
      email: `${role}-${crypto.randomUUID()}@example.com`,
      name: role,
      role,
      password: "correct horse battery staple",
      ...(options.teamIds ? { teamIds: options.teamIds } : {}),
    },
  });
  return sessionCookieFor(user.id);
}

/** Just the cookie for given claims (to test forged or stale tokens). */
export async function cookieFor(claims: { userId: string; sessionId: string; sessionVersion: number }) {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set (call useTestDatabase first)");
  const token = await encode({
    token: { uid: claims.userId, sid: claims.sessionId, sv: claims.sessionVersion },
    secret,
    salt: COOKIE,
  });
  return `${COOKIE}=${token}`;
}
