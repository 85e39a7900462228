import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ForbiddenError } from "@/lib/errors";
import { publishBoardChanged } from "@/lib/realtime/publish";
import { routeTeams } from "./auto-assign";

export const availabilityInput = z
  .object({ availability: z.enum(["online", "away", "busy", "offline"]) })
  .strict();
export type Availability = z.output<typeof availabilityInput>["availability"];

/** Sets the signed-in person's availability; going online pulls waiting work at once. */
export async function setMyAvailability({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof availabilityInput>;
}): Promise<{ availability: Availability; since: string }> {
  if (ctx.actor.type !== "user") throw new ForbiddenError("Only people have an availability");
  const userId = ctx.actor.id;
  const { availability } = availabilityInput.parse(input);
  const result = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ previous: string; since: string }>(sql`
      update users u set availability = ${availability}, availability_changed_at = now()
      from (select availability as previous from users where id = ${userId}) p
      where u.id = ${userId}
      returning p.previous, u.availability_changed_at as since`);
    if (row && row.previous !== availability)
      await emitAudit(tx, ctx.actor, {
        action: "user.availability_changed",
        entityType: "user",
        entityId: userId,
        data: { from: row.previous, to: availability },
      });
    return {
      availability,
      since: new Date(row!.since).toISOString(),
      changed: row?.previous !== availability,
    };
  });
  // Supervisors' boards show availability: nudge them after the commit.
  if (result.changed) await publishBoardChanged(ctx.actor.teamIds, { reason: "availability" });
  if (availability === "online" && ctx.actor.type === "user") await routeTeams(ctx.actor.teamIds);
  return { availability: result.availability, since: result.since };
}

export async function getMyAvailability({ ctx }: { ctx: Ctx }) {
  if (ctx.actor.type !== "user") throw new ForbiddenError("Only people have an availability");
  const [row] = await dbOf(ctx).execute<{ availability: Availability; since: string | null }>(
    sql`select availability, availability_changed_at as since from users where id = ${ctx.actor.id}`,
  );
  return {
    availability: row?.availability ?? "offline",
    since: row?.since ? new Date(row.since).toISOString() : null,
  };
}
