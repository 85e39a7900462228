import { eq, sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { mfaBackupCodes, users } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { assertMayChange } from "./guards";
import { selectPerson } from "./queries";
import type { UserDto } from "./schemas";

/**
 * For a person who lost their authenticator: removes their TOTP secret and backup codes and ends their
 * sessions; they enrol again at their next sign-in where MFA is required.
 */
export async function resetMfa({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<UserDto> {
  assertCan(ctx.actor, "users:manage");
  return withTransaction(ctx, async (tx) => {
    const user = await selectPerson(tx, input.id, { lock: true });
    if (!user) throw new NotFoundError("User");
    assertMayChange(ctx.actor, user);
    await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, user.id));
    await tx
      .update(users)
      .set({
        mfaSecret: null,
        mfaEnabledAt: null,
        sessionVersion: sql`${users.sessionVersion} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await emitAudit(tx, ctx.actor, {
      action: "user.mfa_reset",
      entityType: "user",
      entityId: user.id,
      data: { wasEnrolled: user.mfa_enabled },
    });
    return (await selectPerson(tx, user.id))!;
  });
}
