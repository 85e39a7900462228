import { and, eq } from "drizzle-orm";
import { can } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teamMembers, users } from "@/lib/db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { assertRosterPermission, mayEditRoster, mayViewRoster } from "./access";
import { isUuid } from "@/lib/utils/ids";
import { selectMembership, selectTeam } from "./queries";
import { addMemberInput, updateMemberInput, type AddMemberInput, type UpdateMemberInput } from "./schemas";
import { getTeam } from "./get-team";

/**
 * Roster edits. teams:manage edits any team and appoints managers; a team manager (teams:roster) adds
 * and removes the plain members of the teams they manage, and nothing else: no other team, no manager
 * flags, no roles (that is users:manage).
 */
export async function addTeamMember({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string; member: AddMemberInput };
}) {
  assertRosterPermission(ctx.actor);
  const { teamId } = input;
  const data = addMemberInput.parse(input.member);
  await withTransaction(ctx, async (tx) => {
    const team = await lockEditableTeam(ctx, tx, teamId);
    if (data.is_manager) assertMaySetManagers(ctx);
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, data.user_id));
    if (!user) throw new ValidationError("user_id is not an existing user", { field: "user_id" });
    if (await selectMembership(tx, team.id, data.user_id))
      throw new ConflictError("This person is already on the team");
    await tx
      .insert(teamMembers)
      .values({ teamId: team.id, userId: data.user_id, isManager: data.is_manager });
    await emitAudit(tx, ctx.actor, {
      action: "team.member_added",
      entityType: "team",
      entityId: team.id,
      data: { userId: data.user_id, isManager: data.is_manager },
    });
  });
  return getTeam({ ctx, input: { id: teamId } });
}

export async function removeTeamMember({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string; userId: string };
}) {
  assertRosterPermission(ctx.actor);
  await withTransaction(ctx, async (tx) => {
    const team = await lockEditableTeam(ctx, tx, input.teamId);
    const membership = await selectMembership(tx, team.id, input.userId);
    if (!membership) throw new NotFoundError("Team member");
    if (membership.is_manager) assertMaySetManagers(ctx);
    await tx
      .delete(teamMembers)
      .where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, input.userId)));
    await emitAudit(tx, ctx.actor, {
      action: "team.member_removed",
      entityType: "team",
      entityId: team.id,
      data: { userId: input.userId },
    });
  });
  return getTeamOrEmpty(ctx, input.teamId);
}

export async function updateTeamMember({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string; userId: string; changes: UpdateMemberInput };
}) {
  assertRosterPermission(ctx.actor);
  const { teamId, userId } = input;
  const data = updateMemberInput.parse(input.changes);
  await withTransaction(ctx, async (tx) => {
    const team = await lockEditableTeam(ctx, tx, teamId);
    assertMaySetManagers(ctx);
    const membership = await selectMembership(tx, team.id, userId);
    if (!membership) throw new NotFoundError("Team member");
    if (membership.is_manager === data.is_manager) return;
    await tx
      .update(teamMembers)
      .set({ isManager: data.is_manager })
      .where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, userId)));
    await emitAudit(tx, ctx.actor, {
      action: "team.manager_changed",
      entityType: "team",
      entityId: team.id,
      data: { userId, isManager: data.is_manager },
    });
  });
  return getTeam({ ctx, input: { id: teamId } });
}

// Teams outside the caller's reach answer 404 when they may not even see them, 403 when they may.
async function lockEditableTeam(ctx: Ctx, tx: Tx, id: string) {
  const team = isUuid(id) ? await selectTeam(tx, id, { lock: true }) : undefined;
  if (!team || !mayViewRoster(ctx.actor, team.id)) throw new NotFoundError("Team");
  if (!mayEditRoster(ctx.actor, team.id))
    throw new ForbiddenError("You may edit only the rosters of teams you manage");
  return team;
}

function assertMaySetManagers(ctx: Ctx) {
  if (!can(ctx.actor, "teams:manage"))
    throw new ForbiddenError("Only people with teams:manage appoint or remove team managers");
}

async function getTeamOrEmpty(ctx: Ctx, teamId: string) {
  // A manager who removed themselves from the team may no longer see its roster.
  return getTeam({ ctx, input: { id: teamId } }).catch(() => ({ ok: true as const }));
}
