import { z } from "zod";

// Client-safe: custom role inputs and DTOs shared by the API, the admin pages and tests.

export const BUILT_IN_ROLES = ["admin", "supervisor", "agent"] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

const roleName = z.string().trim().min(1, "is required").max(60, "must be at most 60 characters");
const description = z.string().trim().max(280, "must be at most 280 characters");
const baseRole = z.enum(BUILT_IN_ROLES, { error: `must be one of ${BUILT_IN_ROLES.join(", ")}` });
// Checked against the catalogue by the verb, which names the offending entry.
const permissionList = z.array(z.string().max(80)).max(100);

export const createRoleInput = z
  .object({
    name: roleName,
    description: description.default(""),
    base_role: baseRole.default("agent"),
    permissions: permissionList,
  })
  .strict();
export type CreateRoleInput = z.input<typeof createRoleInput>;

export const updateRoleInput = z
  .object({
    name: roleName.optional(),
    description: description.optional(),
    base_role: baseRole.optional(),
    permissions: permissionList.optional(),
  })
  .strict();
export type UpdateRoleInput = z.input<typeof updateRoleInput>;

export const listRolesInput = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListRolesInput = z.input<typeof listRolesInput>;

export type RoleDto = {
  id: string;
  name: string;
  description: string;
  base_role: BuiltInRole;
  permissions: string[];
  user_count: number;
  api_key_count: number;
  created_at: string;
  updated_at: string;
};

/** One entry of the permission catalogue as the API serves it (GET /api/v1/permissions). */
export type PermissionInfo = {
  name: string;
  resource: string;
  action: string;
  description: string;
  /** False for permissions no role may hold (ingest:apply is the system's alone). */
  grantable: boolean;
  /** Which built-in roles hold it. */
  roles: BuiltInRole[];
};
