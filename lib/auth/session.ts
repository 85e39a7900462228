import crypto from "node:crypto";
import { getToken, type JWT } from "next-auth/jwt";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env.js";
import { toUserActor } from "@/lib/users";
import type { Actor, UserActor } from "./actor";
import { MfaEnrollmentRequiredError, PasswordChangeRequiredError } from "./errors";
import { isMfaPending, loadSessionWithActor, sessionProblem, touchSession } from "./sessions";

// Plain names on http://localhost, __Secure- over HTTPS (next-auth picks by protocol).
export const SESSION_COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

type HeaderInput = Headers | Record<string, string | string[] | undefined>;

export type SessionState = {
  actor: UserActor & { via: { kind: "session"; sessionId: string } };
  sessionId: string;
  sessionVersion: number;
  customRoleId: string | null;
  /** MFA is required for this user and this session has not passed it: only enrolment is allowed. */
  mfaPending: boolean;
  mfaEnabled: boolean;
  /** Invited or reset by an admin: a new password must be chosen first. */
  passwordChangeRequired: boolean;
};

/**
 * Resolves the actor from request headers (HTTP or the Socket.io handshake). The JWT only names a
 * session row; the row and the user are re-checked on every call, so revoking a session, signing out
 * everywhere, disabling a user or changing a role applies on the next request. Throws
 * MfaEnrollmentRequiredError (403) while the session still has to set up MFA, and
 * PasswordChangeRequiredError (403) while an invited user has not chosen a password yet.
 */
export async function actorFromHeaders(headers: HeaderInput): Promise<Actor | undefined> {
  const session = await sessionFromHeaders(headers);
  if (!session) return undefined;
  if (session.mfaPending) throw new MfaEnrollmentRequiredError();
  if (session.passwordChangeRequired) throw new PasswordChangeRequiredError();
  return session.actor;
}

/** The full session state (also while MFA enrolment is pending), or undefined when not validly signed in. */
export async function sessionFromHeaders(
  headers: HeaderInput,
  now: Date = new Date(),
): Promise<SessionState | undefined> {
  const token = await readSessionToken(headers, now);
  if (!token) return undefined;
  return validateSession(token, now);
}

export type SessionClaims = { userId: string; sessionId: string; sessionVersion: number };

export async function validateSession(claims: SessionClaims, now: Date): Promise<SessionState | undefined> {
  const db = getDb();
  const row = await loadSessionWithActor(db, claims.sessionId);
  // The user's state (disabled, session version) is part of the session's problems.
  if (!row || sessionProblem(row, claims, now)) return undefined;
  await touchSession(db, row, now);
  const actor = toUserActor({ ...row, id: row.userId });
  return {
    actor: { ...actor, via: { kind: "session", sessionId: row.sessionId } },
    sessionId: row.sessionId,
    sessionVersion: claims.sessionVersion,
    customRoleId: row.customRoleId,
    mfaPending: isMfaPending(row),
    mfaEnabled: row.mfaEnabledAt !== null,
    passwordChangeRequired: row.mustChangePassword,
  };
}

/** The session claims of the request's cookie (either cookie name), or undefined. */
export async function readSessionToken(
  headers: HeaderInput,
  now: Date = new Date(),
): Promise<SessionClaims | undefined> {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) return undefined;
  const normalized = headers instanceof Headers ? headers : toHeaders(headers);
  const cookie = normalized.get("cookie");
  if (!cookie) return undefined;
  const key = crypto.createHash("sha256").update(cookie).digest("base64");
  const cached = decodedClaims.get(key);
  if (
    cached &&
    cached.secret === secret &&
    (cached.exp === undefined || cached.exp > now.getTime() / 1000 - 15)
  ) {
    // Most recently used last, so the oldest is the one dropped when full.
    decodedClaims.delete(key);
    decodedClaims.set(key, cached);
    return cached.claims;
  }
  for (const cookieName of SESSION_COOKIE_NAMES) {
    const token: JWT | null = await getToken({
      req: { headers: normalized },
      secret,
      salt: cookieName,
      cookieName,
      secureCookie: cookieName.startsWith("__Secure-"),
    }).catch(() => null);
    if (token && typeof token.uid === "string" && typeof token.sid === "string") {
      const claims = { userId: token.uid, sessionId: token.sid, sessionVersion: Number(token.sv ?? 0) };
      decodedClaims.set(key, { claims, secret, exp: typeof token.exp === "number" ? token.exp : undefined });
      if (decodedClaims.size > DECODED_CLAIMS_MAX) decodedClaims.delete(decodedClaims.keys().next().value!);
      return claims;
    }
  }
  return undefined;
}

// Decrypting the JWE cookie takes about seven event-loop turns (WebCrypto key derivation and decryption on
// the thread pool): on a busy web process that was most of a request's auth time (BENCHMARKS.md T4). The
// claims of a cookie never change, so they are kept by a hash of the exact cookie header, with the secret they
// were read with and the JWT's expiry (checked as next-auth does, 15 s tolerance); a cookie that does not
// decode is not kept. Only the decoding is cached: the session row and the user are still checked on every
// request, so revocation applies at once.
const DECODED_CLAIMS_MAX = 2_000;
const decodedClaims = new Map<string, { claims: SessionClaims; secret: string; exp: number | undefined }>();

function toHeaders(record: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) headers.set(key, value.join(", "));
  }
  return headers;
}
