import { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teams } from "@/lib/db/schema";
import { ConflictError } from "@/lib/errors";

const createTeamInput = z.object({ name: z.string().trim().min(1, "is required").max(80) });

export async function createTeam({ ctx, input }: { ctx: Ctx; input: z.input<typeof createTeamInput> }) {
  assertCan(ctx.actor, "users:manage");
  const data = createTeamInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [team] = await tx.insert(teams).values(data).onConflictDoNothing().returning();
    if (!team) throw new ConflictError(`A team named ${data.name} already exists`);
    await emitAudit(tx, ctx.actor, { action: "team.created", entityType: "team", entityId: team.id, data });
    return team;
  });
}
