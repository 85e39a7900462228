import { eq } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { roles } from "@/lib/db/schema";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { selectRole } from "./queries";

/** Deletes a custom role nobody holds; a role in use must be taken off its users and keys first. */
export async function deleteRole({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "roles:manage");
  return withTransaction(ctx, async (tx) => {
    const role = await selectRole(tx, input.id, { lock: true });
    if (!role) throw new NotFoundError("Role");
    if (role.user_count > 0 || role.api_key_count > 0) {
      const holders = [
        role.user_count ? `${role.user_count} user(s)` : "",
        role.api_key_count ? `${role.api_key_count} API key(s)` : "",
      ].filter(Boolean);
      throw new ConflictError(`Role ${role.name} is in use by ${holders.join(" and ")}; reassign them first`);
    }
    await tx.delete(roles).where(eq(roles.id, role.id));
    await emitAudit(tx, ctx.actor, {
      action: "role.deleted",
      entityType: "role",
      entityId: role.id,
      data: { name: role.name, baseRole: role.base_role, permissions: role.permissions },
    });
    return { ok: true as const };
  });
}
