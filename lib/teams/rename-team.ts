import { and, eq, ne } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teams } from "@/lib/db/schema";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { teamAbilities } from "./access";
import { selectTeam } from "./queries";
import { updateTeamInput, type TeamDto, type UpdateTeamInput } from "./schemas";

export async function renameTeam({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; changes: UpdateTeamInput };
}): Promise<TeamDto> {
  assertCan(ctx.actor, "teams:manage");
  const { id } = input;
  const data = updateTeamInput.parse(input.changes);
  return withTransaction(ctx, async (tx) => {
    const team = await selectTeam(tx, id, { lock: true });
    if (!team) throw new NotFoundError("Team");
    if (team.name === data.name) return { ...team, can: teamAbilities(ctx.actor, id) };
    const [clash] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.name, data.name), ne(teams.id, id)));
    if (clash) throw new ConflictError(`A team named ${data.name} already exists`);
    await tx.update(teams).set({ name: data.name }).where(eq(teams.id, id));
    await emitAudit(tx, ctx.actor, {
      action: "team.renamed",
      entityType: "team",
      entityId: id,
      data: { from: team.name, to: data.name },
    });
    return { ...team, name: data.name, can: teamAbilities(ctx.actor, id) };
  });
}
