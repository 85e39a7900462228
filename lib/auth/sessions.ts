import { and, eq, inArray, isNull, lt, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { settings, userSessions, users } from "@/lib/db/schema";
import type { Role } from "./actor";
import { isUuid } from "@/lib/utils/ids";
import { actorColumns } from "@/lib/users";

// Server-side session rows behind the JWT (BENCHMARKS.md R13): absolute and idle timeouts, revocation.
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 30 * 60 * 1000;
// last_seen_at is written at most this often, not on every request.
export const SESSION_TOUCH_MS = 60 * 1000;

export type SessionRow = {
  sessionId: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  mfaVerifiedAt: Date | null;
  role: Role;
  customRoleId: string | null;
  disabledAt: Date | null;
  sessionVersion: number;
  mfaEnabledAt: Date | null;
  mustChangePassword: boolean;
  mfaRequiredForAll: boolean;
};

export type SessionProblem = "missing" | "revoked" | "expired" | "idle" | "disabled" | "version" | "user";

export async function createSession(
  db: DbOrTx,
  input: { userId: string; ip: string | null; userAgent: string | null; mfaVerified: boolean; now: Date },
): Promise<string> {
  const [row] = await db
    .insert(userSessions)
    .values({
      userId: input.userId,
      createdAt: input.now,
      lastSeenAt: input.now,
      expiresAt: new Date(input.now.getTime() + SESSION_ABSOLUTE_MS),
      mfaVerifiedAt: input.mfaVerified ? input.now : null,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    })
    .returning({ id: userSessions.id });
  if (!row) throw new Error("session insert returned no row");
  return row.id;
}

/** A session row with what validating it needs from its user and the workspace. */
const sessionColumns = {
  sessionId: userSessions.id,
  userId: userSessions.userId,
  createdAt: userSessions.createdAt,
  lastSeenAt: userSessions.lastSeenAt,
  expiresAt: userSessions.expiresAt,
  revokedAt: userSessions.revokedAt,
  mfaVerifiedAt: userSessions.mfaVerifiedAt,
  role: users.role,
  customRoleId: users.customRoleId,
  disabledAt: users.disabledAt,
  sessionVersion: users.sessionVersion,
  mfaEnabledAt: users.mfaEnabledAt,
  mustChangePassword: users.mustChangePassword,
  mfaRequiredForAll: sql<boolean>`coalesce((select ${settings.value} = 'true'::jsonb from ${settings} where ${settings.key} = 'mfa.required_for_all'), false)`,
};

export async function loadSessions(db: DbOrTx, sessionIds: string[]): Promise<SessionRow[]> {
  const ids = sessionIds.filter(isUuid);
  if (ids.length === 0) return [];
  return db
    .select(sessionColumns)
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(inArray(userSessions.id, ids));
}

/** A session with its user's actor (teams, custom permissions): what every request checks, in one query. */
export async function loadSessionWithActor(db: DbOrTx, sessionId: string) {
  if (!isUuid(sessionId)) return undefined;
  const [row] = await db
    .select({ ...sessionColumns, ...actorColumns })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(eq(userSessions.id, sessionId));
  return row;
}

/** Why a session may no longer be used (null: it may). Pure, so HTTP and sockets judge alike. */
export function sessionProblem(
  row: SessionRow | undefined,
  token: { userId: string; sessionVersion: number },
  now: Date,
): SessionProblem | null {
  if (!row) return "missing";
  if (row.userId !== token.userId) return "user";
  if (row.revokedAt) return "revoked";
  if (row.disabledAt) return "disabled";
  if (row.sessionVersion !== token.sessionVersion) return "version";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  if (now.getTime() - row.lastSeenAt.getTime() > SESSION_IDLE_MS) return "idle";
  return null;
}

/** MFA is required for admins and supervisors, and for everyone when the workspace setting says so. */
export function mfaRequired(role: Role, requiredForAll: boolean): boolean {
  return requiredForAll || role === "admin" || role === "supervisor";
}

/** Signed in, but MFA is required and this session has not passed it (not enrolled yet). */
export function isMfaPending(row: SessionRow): boolean {
  return mfaRequired(row.role, row.mfaRequiredForAll) && !row.mfaVerifiedAt;
}

/** Records activity at most once a minute; the condition keeps concurrent requests to one write. */
export async function touchSession(db: DbOrTx, row: SessionRow, now: Date): Promise<void> {
  if (now.getTime() - row.lastSeenAt.getTime() < SESSION_TOUCH_MS) return;
  await db
    .update(userSessions)
    .set({ lastSeenAt: now })
    .where(
      and(
        eq(userSessions.id, row.sessionId),
        lt(userSessions.lastSeenAt, new Date(now.getTime() - SESSION_TOUCH_MS)),
      ),
    );
}

/** Ends sessions: one (sessionId), or all of a user's, optionally keeping one (the caller's). */
export async function revokeSessions(
  db: DbOrTx,
  input: { userId: string; sessionId?: string; exceptSessionId?: string; reason: string; now?: Date },
): Promise<string[]> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: input.now ?? new Date(), revokedReason: input.reason })
    .where(
      and(
        eq(userSessions.userId, input.userId),
        isNull(userSessions.revokedAt),
        input.sessionId ? eq(userSessions.id, input.sessionId) : undefined,
        input.exceptSessionId ? ne(userSessions.id, input.exceptSessionId) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return rows.map((r) => r.id);
}
