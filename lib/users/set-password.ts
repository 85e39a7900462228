import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { checkPasswordPolicy } from "@/lib/auth/password-policy";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { findUserByEmail } from "./queries";
import { passwordSchema } from "./schemas";

const setPasswordInput = z.object({ email: z.email("must be an email address"), password: passwordSchema });

/** Sets a user's password and ends all their sessions (the session version moves on). */
export async function setPassword({ ctx, input }: { ctx: Ctx; input: z.input<typeof setPasswordInput> }) {
  assertCan(ctx.actor, "users:manage");
  const data = setPasswordInput.parse(input);
  const policy = checkPasswordPolicy(data.password, data.email);
  if (!policy.ok) throw new ValidationError(`password: ${policy.reason}`, { field: "password" });
  const passwordHash = await hashPassword(data.password);
  return withTransaction(ctx, async (tx) => {
    const user = await findUserByEmail(tx, data.email);
    if (!user) throw new NotFoundError(`User ${data.email}`);
    await tx
      .update(users)
      .set({
        passwordHash,
        passwordChangedAt: new Date(),
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await emitAudit(tx, ctx.actor, { action: "user.password_set", entityType: "user", entityId: user.id });
  });
}
