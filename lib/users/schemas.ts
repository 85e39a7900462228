import { z } from "zod";

export const roles = ["admin", "supervisor", "agent"] as const;

export const passwordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");

export const createUserInput = z.object({
  email: z.email("must be an email address").transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, "is required").max(120),
  role: z.enum(roles, { error: `must be one of ${roles.join(", ")}` }),
  password: passwordSchema,
  teamIds: z.array(z.uuid()).default([]),
});
export type CreateUserInput = z.input<typeof createUserInput>;

// REST inputs for people admin. `.strict()`: a field the API does not accept (password_hash, mfa_secret,
// session_version…) is a 422 naming it, never silently dropped or assigned (mass assignment, ASVS/R11).
const teamIdList = z.array(z.uuid("must be a team id")).max(100);
const roleEnum = z.enum(roles, { error: `must be one of ${roles.join(", ")}` });

export const inviteUserInput = z
  .object({
    email: z.email("must be an email address").transform((e) => e.toLowerCase()),
    name: z.string().trim().min(1, "is required").max(120),
    role: roleEnum.optional(),
    custom_role_id: z.uuid("must be a role id").nullish(),
    team_ids: teamIdList.default([]),
  })
  .strict();
export type InviteUserInput = z.input<typeof inviteUserInput>;

export const updateUserInput = z
  .object({
    name: z.string().trim().min(1, "is required").max(120).optional(),
    role: roleEnum.optional(),
    custom_role_id: z.uuid("must be a role id").nullish(),
    team_ids: teamIdList.optional(),
  })
  .strict();
export type UpdateUserInput = z.input<typeof updateUserInput>;

export const listUsersInput = z.object({
  q: z.string().trim().max(120).optional(),
  team_id: z.uuid().optional(),
  status: z.enum(["active", "disabled", "all"]).default("active"),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListUsersInput = z.input<typeof listUsersInput>;

/** What anyone with users:read sees of a colleague. */
export type UserSummaryDto = {
  id: string;
  name: string;
  email: string;
  role: (typeof roles)[number];
  teams: { id: string; name: string }[];
};

/** What people admins (users:manage) see. */
export type UserDto = Omit<UserSummaryDto, "teams"> & {
  custom_role: { id: string; name: string } | null;
  teams: { id: string; name: string; is_manager: boolean }[];
  status: "active" | "disabled";
  disabled_at: string | null;
  mfa_enabled: boolean;
  must_change_password: boolean;
  last_sign_in_at: string | null;
  created_at: string;
};

export type InviteUserResult = { user: UserDto; initial_password: string };
