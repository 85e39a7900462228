import { eq, sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { apiKeys, roles, users } from "@/lib/db/schema";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { assertMayGrant } from "./grant";
import { parsePermissionList, storedPermissions } from "./permission-list";
import { selectRole } from "./queries";
import { updateRoleInput, type RoleDto, type UpdateRoleInput } from "./schemas";

/**
 * Edits a custom role. A change to what holders may do (permissions or base role) ends their sessions:
 * their session version moves on, so the new rights apply from their next request.
 */
export async function updateRole({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; changes: UpdateRoleInput };
}): Promise<RoleDto> {
  assertCan(ctx.actor, "roles:manage");
  const { id } = input;
  const data = updateRoleInput.parse(input.changes);
  const permissions = data.permissions ? parsePermissionList(data.permissions) : undefined;
  return withTransaction(ctx, async (tx) => {
    const current = await selectRole(tx, id, { lock: true });
    if (!current) throw new NotFoundError("Role");
    const baseRole = data.base_role ?? current.base_role;
    // Both what is granted now and what was held before: editing a role one could not create is escalation too.
    assertMayGrant(ctx.actor, {
      role: baseRole,
      permissions: permissions ?? storedPermissions(current.permissions),
    });
    if (current.base_role === "admin") assertMayGrant(ctx.actor, { role: "admin", permissions: [] });
    const permissionsChanged =
      permissions !== undefined &&
      (permissions.length !== current.permissions.length ||
        permissions.some((p) => !current.permissions.includes(p)));
    const baseChanged = baseRole !== current.base_role;
    if (data.name && data.name !== current.name) {
      const [clash] = await tx
        .select({ id: roles.id })
        .from(roles)
        .where(sql`lower(${roles.name}) = lower(${data.name}) and ${roles.id} <> ${id}`);
      if (clash) throw new ConflictError(`A role named ${data.name} already exists`);
    }
    await tx
      .update(roles)
      .set({
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.description !== undefined ? { description: data.description } : {}),
        ...(permissions !== undefined ? { permissions } : {}),
        baseRole,
        updatedAt: new Date(),
      })
      .where(eq(roles.id, id));
    if (permissionsChanged || baseChanged) {
      // The holders' object scope follows the base role; their live sessions end (revocation).
      await tx
        .update(users)
        .set({
          role: baseRole,
          sessionVersion: sql`${users.sessionVersion} + 1`,
          updatedAt: new Date(),
        })
        .where(eq(users.customRoleId, id));
      if (baseChanged) await tx.update(apiKeys).set({ role: baseRole }).where(eq(apiKeys.customRoleId, id));
    }
    await emitAudit(tx, ctx.actor, {
      action: "role.updated",
      entityType: "role",
      entityId: id,
      data: {
        before: { name: current.name, baseRole: current.base_role, permissions: current.permissions },
        after: {
          name: data.name ?? current.name,
          baseRole,
          permissions: permissions ?? current.permissions,
        },
        sessionsRevoked: permissionsChanged || baseChanged ? current.user_count : 0,
      },
    });
    return (await selectRole(tx, id))!;
  });
}
