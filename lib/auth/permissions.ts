import { ForbiddenError } from "@/lib/errors";
import type { Actor, Role } from "./actor";

// The permission catalogue and role table, as data. Later issues add custom roles on top of this.
export const permissions = [
  "conversations:read",
  "conversations:reply",
  "conversations:assign",
  // See colleagues (names, availability) to assign and mention them.
  "users:read",
  // Invite, disable, change role or teams, reset MFA.
  "users:manage",
  // Create and rename teams, edit any roster.
  "teams:manage",
  // Edit the roster of the teams one manages (team managers are supervisors).
  "teams:roster",
  // Custom roles and their permission lists.
  "roles:manage",
  // REST API keys.
  "api-keys:manage",
  // Workspace settings such as MFA for everyone.
  "settings:manage",
  "numbers:read",
  "numbers:manage",
  "templates:read",
  "templates:manage",
  "audit:read",
  "audit:export",
  // The label catalogue (create, rename, delete); putting labels on conversations is conversations:reply.
  "labels:manage",
  // Shared canned responses; everyone keeps personal ones with conversations:reply.
  "canned:manage",
  // Merge contacts by hand, import and export the contact list (CSV).
  "contacts:manage",
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
    "users:read",
    "teams:roster",
    "numbers:read",
    "templates:read",
    "audit:read",
    "campaigns:manage",
    "consent:write",
    "canned:manage",
  ],
  // Agents read templates to pick one when the 24-hour window is closed.
  agent: ["conversations:read", "conversations:reply", "users:read", "templates:read", "consent:write"],
};

/** Object scope of a check: the team that owns the object and the user it is assigned to. */
export type Scope = { teamId?: string | null; assigneeId?: string | null };

export function can(actor: Actor, permission: Permission, scope?: Scope): boolean {
  if (actor.type === "system") return true;
  if (!permissionsOf(actor).includes(permission)) return false;
  if (!scope || actor.role === "admin") return true;
  if (scope.assigneeId && scope.assigneeId === actor.id) return true;
  // Objects without a team are the admins' and supervisors' to triage.
  if (!scope.teamId) return actor.role === "supervisor";
  return actor.teamIds.includes(scope.teamId);
}

/** What an actor may do: its custom role's or API key's list when it has one, else its built-in role's. */
export function permissionsOf(actor: Actor & { type: "user" }): readonly Permission[] {
  return actor.permissions ?? rolePermissions[actor.role];
}

export function isPermission(value: string): value is Permission {
  return (permissions as readonly string[]).includes(value);
}

export function assertCan(actor: Actor, permission: Permission, scope?: Scope): void {
  if (!can(actor, permission, scope)) throw new ForbiddenError();
}
