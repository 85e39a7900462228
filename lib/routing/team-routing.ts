import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan, can } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { routeTeams } from "./auto-assign";
import { isUuid } from "@/lib/utils/ids";

export const teamRoutingInput = z
  .object({ policy: z.enum(["manual", "round_robin", "least_loaded"]) })
  .strict();
export const memberCapacityInput = z.object({ capacity: z.number().int().min(0).max(1000) }).strict();

/** A team's routing: its policy and each member's capacity, load and availability (the supervisor's view). */
export async function getTeamRouting({ ctx, input }: { ctx: Ctx; input: { teamId: string } }) {
  assertCan(ctx.actor, "conversations:read", { teamId: input.teamId });
  if (!isUuid(input.teamId)) throw new NotFoundError("Team");
  const db = dbOf(ctx);
  const [team] = await db.execute<{ id: string; name: string; policy: string; waiting: number }>(sql`
    select t.id, t.name, t.assignment_policy as policy,
      (select count(*)::int from conversations c
       where c.team_id = t.id and c.status = 'open' and c.assignee_id is null) as waiting
    from teams t where t.id = ${input.teamId}`);
  if (!team) throw new NotFoundError("Team");
  const members = await db.execute<{
    user_id: string;
    name: string;
    availability: string;
    capacity: number;
    load: number;
  }>(sql`
    select m.user_id, u.name, u.availability, m.capacity,
      (select count(*)::int from conversations c
       where c.assignee_id = m.user_id and c.team_id = m.team_id and c.status = 'open') as load
    from team_members m join users u on u.id = m.user_id
    where m.team_id = ${input.teamId} and u.disabled_at is null
    order by lower(u.name)`);
  return { ...team, members };
}

export async function setTeamRouting({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string } & z.input<typeof teamRoutingInput>;
}) {
  assertCan(ctx.actor, "teams:manage");
  const { teamId, ...body } = input;
  const { policy } = teamRoutingInput.parse(body);
  if (!isUuid(teamId)) throw new NotFoundError("Team");
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ previous: string }>(sql`
      update teams t set assignment_policy = ${policy}
      from (select assignment_policy as previous from teams where id = ${teamId}) p
      where t.id = ${teamId} returning p.previous`);
    if (!row) throw new NotFoundError("Team");
    await emitAudit(tx, ctx.actor, {
      action: "team.routing_changed",
      entityType: "team",
      entityId: teamId,
      data: { from: row.previous, to: policy },
    });
  });
  await routeTeams([teamId]);
  return getTeamRouting({ ctx, input: { teamId } });
}

/** Admins, or a supervisor who manages this team, set how much work a member gets automatically. */
export async function setMemberCapacity({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string; userId: string } & z.input<typeof memberCapacityInput>;
}) {
  const { teamId, userId, ...body } = input;
  const { capacity } = memberCapacityInput.parse(body);
  if (!isUuid(teamId) || !isUuid(userId)) throw new NotFoundError("Team member");
  const manages =
    ctx.actor.type === "user" && can(ctx.actor, "teams:roster") && ctx.actor.managedTeamIds?.includes(teamId);
  if (!can(ctx.actor, "teams:manage") && !manages)
    throw new ForbiddenError("Only admins and this team's managers set capacity");
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ previous: number }>(sql`
      update team_members m set capacity = ${capacity}
      from (select capacity as previous from team_members where team_id = ${teamId} and user_id = ${userId}) p
      where m.team_id = ${teamId} and m.user_id = ${userId} returning p.previous`);
    if (!row) throw new NotFoundError("Team member");
    await emitAudit(tx, ctx.actor, {
      action: "team.capacity_changed",
      entityType: "team",
      entityId: teamId,
      data: { user_id: userId, from: row.previous, to: capacity },
    });
  });
  await routeTeams([teamId]);
  return getTeamRouting({ ctx, input: { teamId } });
}
