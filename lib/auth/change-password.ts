import { eq } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { UnauthenticatedError, ValidationError } from "@/lib/errors";
import { hashPassword, verifyPassword } from "./password";
import { checkPasswordPolicy } from "./password-policy";
import { requireSessionUser } from "./session-actor";
import { revokeSessions } from "./sessions";
import { recordAttempt, signInThrottle } from "./throttle";

export const changePasswordInput = z.object({
  current_password: z.string().min(1, "is required").max(256),
  new_password: z.string().max(1024),
});
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

/**
 * The caller changes their own password: the current one is checked (and throttled like a sign-in, so a
 * stolen session cannot guess it), the new one must pass the policy, and every other session ends.
 */
export async function changePassword({ ctx, input }: { ctx: Ctx; input: ChangePasswordInput }) {
  const me = requireSessionUser(ctx.actor);
  const data = changePasswordInput.parse(input);
  const db = dbOf(ctx);
  const [user] = await db.select().from(users).where(eq(users.id, me.id)).limit(1);
  if (!user) throw new UnauthenticatedError();
  const now = new Date();
  const throttle = await signInThrottle(db, { email: user.email, ip: null, now });
  if (throttle.retryAfterS > 0)
    throw new ValidationError(`Too many attempts, try again in ${throttle.retryAfterS} s`, {
      field: "current_password",
    });
  if (!(await verifyPassword(user.passwordHash, data.current_password))) {
    await recordAttempt(db, {
      email: user.email,
      ip: null,
      userId: user.id,
      outcome: "bad_password",
      at: now,
    });
    throw new ValidationError("Current password is incorrect", { field: "current_password" });
  }
  const policy = checkPasswordPolicy(data.new_password, user.email);
  if (!policy.ok) throw new ValidationError(policy.reason, { field: "new_password" });
  if (data.new_password === data.current_password)
    throw new ValidationError("The new password must differ from the current one", { field: "new_password" });
  const passwordHash = await hashPassword(data.new_password);
  return withTransaction(ctx, async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, mustChangePassword: false, updatedAt: now })
      .where(eq(users.id, me.id));
    const ended = await revokeSessions(tx, {
      userId: me.id,
      exceptSessionId: me.via.sessionId,
      reason: "password_changed",
      now,
    });
    await emitAudit(tx, me, {
      action: "auth.password_changed",
      entityType: "user",
      entityId: me.id,
      data: { otherSessionsEnded: ended.length },
    });
    return { other_sessions_ended: ended.length };
  });
}
