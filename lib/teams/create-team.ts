import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teams } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";
import { createTeamInput, type CreateTeamInput } from "./schemas";

export async function createTeam({ ctx, input }: { ctx: Ctx; input: CreateTeamInput }) {
  assertCan(ctx.actor, "teams:manage");
  const data = createTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [team] = await tx.insert(teams).values(data).onConflictDoNothing().returning();
    if (!team) throw new ConflictError(`A team named ${data.name} already exists`);
    await emitAudit(tx, ctx.actor, { action: "team.created", entityType: "team", entityId: team.id, data });
    return team;
  });
}
