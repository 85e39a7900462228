import { z } from "zod";

// Client-safe: team inputs and DTOs. `.strict()` so a field the API does not take is a 422 naming it.

const teamName = z.string().trim().min(1, "is required").max(80, "must be at most 80 characters");

export const createTeamInput = z.object({ name: teamName }).strict();
export type CreateTeamInput = z.input<typeof createTeamInput>;

export const updateTeamInput = z.object({ name: teamName }).strict();
export type UpdateTeamInput = z.input<typeof updateTeamInput>;

export const addMemberInput = z
  .object({ user_id: z.uuid("must be a user id"), is_manager: z.boolean().default(false) })
  .strict();
export type AddMemberInput = z.input<typeof addMemberInput>;

export const updateMemberInput = z.object({ is_manager: z.boolean() }).strict();
export type UpdateMemberInput = z.input<typeof updateMemberInput>;

export const listTeamsInput = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListTeamsInput = z.input<typeof listTeamsInput>;

export type TeamMemberDto = {
  user_id: string;
  name: string;
  email: string;
  role: "admin" | "supervisor" | "agent";
  is_manager: boolean;
  disabled: boolean;
};

export type TeamDto = {
  id: string;
  name: string;
  member_count: number;
  created_at: string;
  /** Present when the caller may see this team's roster (a member, its manager, or teams:manage). */
  members?: TeamMemberDto[];
  /** What the caller may do with this team. */
  can: { manage: boolean; edit_roster: boolean; set_managers: boolean };
};
