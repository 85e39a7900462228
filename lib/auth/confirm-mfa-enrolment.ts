import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { databaseNow } from "@/lib/db/clock";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { userSessions, users } from "@/lib/db/schema";
import { UnauthenticatedError, ValidationError } from "@/lib/errors";
import { newBackupCodes, storeBackupCodes } from "./backup-codes";
import { verifyPassword } from "./password";
import { open } from "./secret-box";
import { requireSessionUser } from "./session-actor";
import { revokeSessions } from "./sessions";
import { sealTotp, verifyTotp } from "./totp";

export const confirmMfaInput = z.object({
  enrolment_token: z.string().min(1).max(2048),
  code: z.string().trim().max(16),
  /** Required when replacing an existing authenticator. */
  password: z.string().max(256).optional(),
});

/**
 * Turns MFA on (or moves it to a new authenticator) once the user proves the app shows the right code.
 * Returns 10 backup codes, shown once and stored hashed. Every other session of the user ends; this one
 * counts as MFA-verified.
 */
export async function confirmMfaEnrolment({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof confirmMfaInput>;
}) {
  const me = requireSessionUser(ctx.actor);
  const data = confirmMfaInput.parse(input);
  const now = new Date();
  const pending = parseToken(data.enrolment_token);
  if (!pending || pending.uid !== me.id || pending.exp < now.getTime())
    throw new ValidationError("This set-up has expired; start again", { field: "enrolment_token" });
  const [user] = await dbOf(ctx).select().from(users).where(eq(users.id, me.id)).limit(1);
  if (!user) throw new UnauthenticatedError();
  const reenrolling = user.mfaEnabledAt !== null;
  if (reenrolling && !(await verifyPassword(user.passwordHash, data.password ?? "")))
    throw new ValidationError("Enter your current password to replace your authenticator", {
      field: "password",
    });
  // Postgres' clock, not this instance's: a drifted instance still accepts a valid code (R18).
  const check = await verifyTotp(
    { secret: pending.secret, lastStep: null },
    data.code,
    await databaseNow(dbOf(ctx)),
  );
  if (!check.ok)
    throw new ValidationError("That code did not match; check the app's clock and try the next code", {
      field: "code",
    });
  const backupCodes = newBackupCodes();
  return withTransaction(ctx, async (tx) => {
    await tx
      .update(users)
      .set({
        mfaSecret: sealTotp({ secret: pending.secret, lastStep: check.step }),
        mfaEnabledAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, me.id));
    await storeBackupCodes(tx, me.id, backupCodes);
    const ended = await revokeSessions(tx, {
      userId: me.id,
      exceptSessionId: me.via.sessionId,
      reason: "mfa_changed",
      now,
    });
    await tx
      .update(userSessions)
      .set({ mfaVerifiedAt: now })
      .where(and(eq(userSessions.id, me.via.sessionId), eq(userSessions.userId, me.id)));
    await emitAudit(tx, me, {
      action: "auth.mfa_enrolled",
      entityType: "user",
      entityId: me.id,
      data: { reenrolled: reenrolling, otherSessionsEnded: ended.length },
    });
    return { backup_codes: backupCodes };
  });
}

function parseToken(token: string): { uid: string; secret: string; exp: number } | null {
  const plain = open(token, "mfa-enrolment");
  if (!plain) return null;
  try {
    return JSON.parse(plain) as { uid: string; secret: string; exp: number };
  } catch {
    return null;
  }
}
