import type { Actor } from "@/lib/auth/actor";
import { can, permissionsOf, rolePermissions, type Permission } from "@/lib/auth/permissions";
import { ForbiddenError } from "@/lib/errors";

/** Who may read role definitions and the catalogue: whoever edits roles, assigns them, or mints keys. */
export const ROLE_READERS: readonly Permission[] = ["roles:manage", "users:manage", "api-keys:manage"];

export function assertCanAny(actor: Actor, required: readonly Permission[]): void {
  if (!required.some((permission) => can(actor, permission))) throw new ForbiddenError();
}

/**
 * No escalation through delegation: only an admin may hand out admin scope, and nobody may hand out a
 * permission they do not hold themselves (a custom role with users:manage cannot mint an admin).
 */
export function assertMayGrant(
  actor: Actor,
  grant: { role: "admin" | "supervisor" | "agent"; permissions: readonly Permission[] },
): void {
  if (actor.type === "system") return;
  const held = permissionsOf(actor);
  const fullAdmin = actor.role === "admin" && rolePermissions.admin.every((p) => held.includes(p));
  if (grant.role === "admin" && !fullAdmin)
    throw new ForbiddenError("Only an admin may grant the admin role");
  const missing = grant.permissions.find((p) => !held.includes(p));
  if (missing) throw new ForbiddenError(`You cannot grant ${missing}, which you do not hold`);
}
