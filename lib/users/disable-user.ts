import { eq, sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { assertMayChange, assertNotLastAdmin } from "./guards";
import { selectPerson } from "./queries";
import type { UserDto } from "./schemas";

/** Disables a person: they cannot sign in, and every session they hold ends on its next request. */
export async function disableUser({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<UserDto> {
  assertCan(ctx.actor, "users:manage");
  return withTransaction(ctx, async (tx) => {
    const user = await selectPerson(tx, input.id, { lock: true });
    if (!user) throw new NotFoundError("User");
    assertMayChange(ctx.actor, user);
    if (user.status === "disabled") return user;
    await assertNotLastAdmin(tx, user, ctx.actor);
    const now = new Date();
    await tx
      .update(users)
      .set({ disabledAt: now, sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: now })
      .where(eq(users.id, user.id));
    await emitAudit(tx, ctx.actor, { action: "user.disabled", entityType: "user", entityId: user.id });
    return (await selectPerson(tx, user.id))!;
  });
}
