import { permissions, rolePermissions, type Permission } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/actor";
import { assertCanAny, ROLE_READERS } from "./grant";
import { BUILT_IN_ROLES, type PermissionInfo } from "./schemas";

// One line per permission for the role editor; typed as a full record so a new permission cannot ship
// without its description.
const descriptions: Record<Permission, string> = {
  "conversations:read": "See conversations in their teams' queues and the ones assigned to them",
  "conversations:reply": "Send messages and templates in conversations they can see",
  "conversations:assign": "Assign, transfer and hand off conversations",
  "users:read": "See colleagues (name, email, role, teams) to assign and mention them",
  "users:manage": "Invite, disable and enable people, change their role or teams, reset their MFA",
  "teams:manage": "Create, rename and delete teams and edit any team's roster",
  "teams:roster": "Edit the roster of the teams they manage",
  "roles:manage": "Create, edit and delete custom roles",
  "api-keys:manage": "Create and revoke REST API keys",
  "settings:manage": "Change workspace settings such as MFA for everyone",
  "numbers:read": "See business numbers and their Coexistence link",
  "numbers:manage": "Add and edit business numbers",
  "templates:read": "See message templates",
  "templates:manage": "Create and sync message templates",
  "labels:manage": "Create, rename and delete conversation labels",
  "canned:manage": "Create and edit shared canned responses",
  "contacts:manage": "Merge contacts by hand, and import or export the contact list",
  "audit:read": "Browse the audit log",
  "audit:export": "Export the audit log as CSV",
  "campaigns:manage": "Create, start, pause and cancel campaigns and edit opt-out keywords",
  "consent:write": "Record a customer's opt-in or opt-out",
  "ingest:apply": "Apply webhook events (system only; no role may hold it)",
};

/** Permissions no custom role or API key may ever hold. */
export const UNGRANTABLE: readonly Permission[] = ["ingest:apply"];

export function isGrantable(permission: Permission): boolean {
  return !UNGRANTABLE.includes(permission);
}

/** The catalogue with descriptions in catalogue order (grouped by resource), for whoever edits roles or keys. */
export function listPermissions({ ctx }: { ctx: { actor: Actor } }): { data: PermissionInfo[] } {
  assertCanAny(ctx.actor, ROLE_READERS);
  return {
    data: permissions.map((name) => {
      const [resource = name, action = ""] = name.split(":");
      return {
        name,
        resource,
        action,
        description: descriptions[name],
        grantable: isGrantable(name),
        roles: BUILT_IN_ROLES.filter((role) => rolePermissions[role].includes(name)),
      };
    }),
  };
}
