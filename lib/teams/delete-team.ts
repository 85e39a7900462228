import { eq } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { teams } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { selectMembers, selectTeam } from "./queries";

/**
 * Deletes a team and its roster. Its conversations and numbers keep working without a team (the
 * foreign keys set null): supervisors and admins see them as teamless.
 */
export async function deleteTeam({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "teams:manage");
  return withTransaction(ctx, async (tx) => {
    const team = await selectTeam(tx, input.id, { lock: true });
    if (!team) throw new NotFoundError("Team");
    const members = (await selectMembers(tx, [team.id])).get(team.id) ?? [];
    await tx.delete(teams).where(eq(teams.id, team.id));
    await emitAudit(tx, ctx.actor, {
      action: "team.deleted",
      entityType: "team",
      entityId: team.id,
      data: { name: team.name, memberIds: members.map((m) => m.user_id) },
    });
    return { ok: true as const };
  });
}
