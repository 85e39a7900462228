import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { mayViewRoster, teamAbilities } from "./access";
import { selectMembers, selectTeam } from "./queries";
import type { TeamDto } from "./schemas";

/** One team with its roster; a team whose roster the caller may not see looks missing. */
export async function getTeam({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<TeamDto> {
  assertCan(ctx.actor, "users:read");
  const db = dbOf(ctx);
  const team = await selectTeam(db, input.id);
  if (!team || !mayViewRoster(ctx.actor, team.id)) throw new NotFoundError("Team");
  const members = await selectMembers(db, [team.id]);
  return { ...team, members: members.get(team.id) ?? [], can: teamAbilities(ctx.actor, team.id) };
}
