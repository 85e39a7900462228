import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { publishBoardChanged } from "@/lib/realtime/publish";
import { getSetting } from "@/lib/settings";

/** The web processes' heartbeat: these users have a tab connected right now. */
export async function markPresent(userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await getDb().execute(sql`
    update users set presence_seen_at = now() where id = any(${`{${userIds.join(",")}}`}::uuid[])`);
}

/**
 * Auto-away (issue "routing"): online agents whose last tab closed more than the workspace's auto-away
 * minutes ago become `away`, so the router stops giving them work. Audited per user.
 */
export async function markAbsentAway({ ctx }: { ctx: Ctx }): Promise<string[]> {
  assertCan(ctx.actor, "ingest:apply");
  const minutes = await getSetting(dbOf(ctx), "agents.auto_away_after_minutes");
  if (!minutes) return [];
  const away = await withTransaction(ctx, async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      update users set availability = 'away', availability_changed_at = now()
      where availability = 'online' and disabled_at is null
        and coalesce(presence_seen_at, availability_changed_at, created_at) < now() - make_interval(mins => ${minutes})
      returning id`);
    for (const row of rows)
      await emitAudit(tx, ctx.actor, {
        action: "user.availability_changed",
        entityType: "user",
        entityId: row.id,
        data: { from: "online", to: "away", reason: "no open tab" },
      });
    return rows.map((r) => r.id);
  });
  if (away.length > 0) {
    const teams = await dbOf(ctx).execute<{ team_id: string }>(sql`
      select distinct team_id from team_members where user_id = any(${`{${away.join(",")}}`}::uuid[])`);
    await publishBoardChanged(
      teams.map((t) => t.team_id),
      { reason: "availability" },
    );
  }
  return away;
}
