import { ForbiddenError } from "@/lib/errors";
import type { Actor, Role } from "./actor";

// The permission catalogue and role table, as data. Later issues add custom roles on top of this.
export const permissions = [
  "conversations:read",
  "conversations:reply",
  "conversations:assign",
  "users:manage",
  "numbers:read",
  "numbers:manage",
  "templates:read",
  "templates:manage",
  "audit:read",
  // Campaigns: create, start, pause, cancel bulk template sends, and the opt-out keywords they rely on.
  "campaigns:manage",
  // Record a customer's opt-in or opt-out (every role: agents hear it from customers first).
  "consent:write",
  // Only the system (webhook ingestion) holds this; no user role does.
  "ingest:apply",
] as const;
export type Permission = (typeof permissions)[number];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: permissions.filter((p) => p !== "ingest:apply"),
  supervisor: [
    "conversations:read",
    "conversations:reply",
    "conversations:assign",
    "numbers:read",
    "templates:read",
    "audit:read",
    "campaigns:manage",
    "consent:write",
  ],
  // Agents read templates to pick one when the 24-hour window is closed.
  agent: ["conversations:read", "conversations:reply", "templates:read", "consent:write"],
};

/** Object scope of a check: the team that owns the object and the user it is assigned to. */
export type Scope = { teamId?: string | null; assigneeId?: string | null };

export function can(actor: Actor, permission: Permission, scope?: Scope): boolean {
  if (actor.type === "system") return true;
  if (!rolePermissions[actor.role].includes(permission)) return false;
  if (!scope || actor.role === "admin") return true;
  if (scope.assigneeId && scope.assigneeId === actor.id) return true;
  // Objects without a team are the admins' and supervisors' to triage.
  if (!scope.teamId) return actor.role === "supervisor";
  return actor.teamIds.includes(scope.teamId);
}

export function assertCan(actor: Actor, permission: Permission, scope?: Scope): void {
  if (!can(actor, permission, scope)) throw new ForbiddenError();
}
