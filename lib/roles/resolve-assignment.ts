import type { Actor } from "@/lib/auth/actor";
import { rolePermissions, type Permission } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import { ValidationError } from "@/lib/errors";
import { assertMayGrant } from "./grant";
import { storedPermissions } from "./permission-list";
import { selectRole } from "./queries";
import type { BuiltInRole } from "./schemas";

export type RoleAssignment = {
  role: BuiltInRole;
  customRoleId: string | null;
  customRoleName: string | null;
  permissions: Permission[];
};

/**
 * What a user or API key would hold given a built-in role or a custom role id, checked so the actor
 * cannot hand out more than they hold. A custom role sets the object scope through its base role.
 */
export async function resolveRoleAssignment(
  db: DbOrTx,
  actor: Actor,
  input: { role?: BuiltInRole; customRoleId?: string | null },
): Promise<RoleAssignment> {
  let assignment: RoleAssignment;
  if (input.customRoleId) {
    const custom = await selectRole(db, input.customRoleId);
    if (!custom)
      throw new ValidationError("custom_role_id is not an existing role", { field: "custom_role_id" });
    if (input.role && input.role !== custom.base_role)
      throw new ValidationError(`role must be ${custom.base_role}, the base role of ${custom.name}`, {
        field: "role",
      });
    assignment = {
      role: custom.base_role,
      customRoleId: custom.id,
      customRoleName: custom.name,
      permissions: storedPermissions(custom.permissions),
    };
  } else {
    if (!input.role) throw new ValidationError("role is required", { field: "role" });
    assignment = {
      role: input.role,
      customRoleId: null,
      customRoleName: null,
      permissions: [...rolePermissions[input.role]],
    };
  }
  assertMayGrant(actor, assignment);
  return assignment;
}
