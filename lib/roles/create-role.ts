import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { roles } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";
import { assertMayGrant } from "./grant";
import { parsePermissionList } from "./permission-list";
import { selectRole } from "./queries";
import { createRoleInput, type CreateRoleInput, type RoleDto } from "./schemas";

export async function createRole({ ctx, input }: { ctx: Ctx; input: CreateRoleInput }): Promise<RoleDto> {
  assertCan(ctx.actor, "roles:manage");
  const data = createRoleInput.parse(input);
  const permissions = parsePermissionList(data.permissions);
  assertMayGrant(ctx.actor, { role: data.base_role, permissions });
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx
      .insert(roles)
      .values({ name: data.name, description: data.description, baseRole: data.base_role, permissions })
      .onConflictDoNothing()
      .returning({ id: roles.id });
    if (!row) throw new ConflictError(`A role named ${data.name} already exists`);
    await emitAudit(tx, ctx.actor, {
      action: "role.created",
      entityType: "role",
      entityId: row.id,
      data: { name: data.name, baseRole: data.base_role, permissions },
    });
    return (await selectRole(tx, row.id))!;
  });
}
