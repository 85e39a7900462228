import { eq } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { assertMayChange } from "./guards";
import { selectPerson } from "./queries";
import type { UserDto } from "./schemas";

export async function enableUser({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<UserDto> {
  assertCan(ctx.actor, "users:manage");
  return withTransaction(ctx, async (tx) => {
    const user = await selectPerson(tx, input.id, { lock: true });
    if (!user) throw new NotFoundError("User");
    assertMayChange(ctx.actor, user);
    if (user.status === "active") return user;
    await tx.update(users).set({ disabledAt: null, updatedAt: new Date() }).where(eq(users.id, user.id));
    await emitAudit(tx, ctx.actor, { action: "user.enabled", entityType: "user", entityId: user.id });
    return (await selectPerson(tx, user.id))!;
  });
}
