import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { mayViewRoster, teamAbilities } from "./access";
import { selectMembers, selectTeams } from "./queries";
import { listTeamsInput, type ListTeamsInput, type TeamDto } from "./schemas";

/** Every team's name and size; rosters only for the teams the caller belongs to, manages, or administers. */
export async function listTeams({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListTeamsInput;
}): Promise<{ data: TeamDto[]; next_cursor: string | null }> {
  assertCan(ctx.actor, "users:read");
  const params = listTeamsInput.parse(input);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const db = dbOf(ctx);
  const page = await selectTeams(db, { cursor, limit: params.limit });
  const visible = page.data.filter((t) => mayViewRoster(ctx.actor, t.id)).map((t) => t.id);
  const members = await selectMembers(db, visible);
  return {
    data: page.data.map((team) => ({
      ...team,
      ...(members.has(team.id) ? { members: members.get(team.id) } : {}),
      can: teamAbilities(ctx.actor, team.id),
    })),
    next_cursor: page.next_cursor,
  };
}
