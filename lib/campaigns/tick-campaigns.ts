import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { refreshProgress } from "./refresh-progress";

// Read receipts and replies keep arriving for days; campaigns that ended within this long are refreshed.
const FOLLOW_DAYS = 7;

/**
 * The per-minute safety net (campaign.tick): returns the campaigns that need a runner (a due schedule, or a
 * running campaign nobody holds, e.g. after a crash or a lost job) and refreshes recently ended ones.
 */
export async function tickCampaigns({ ctx }: { ctx: Ctx }): Promise<{ run: string[]; refreshed: number }> {
  assertCan(ctx.actor, "campaigns:manage");
  const db = dbOf(ctx);
  const due = await db.execute<{ id: string }>(sql`
    select id from campaigns
    where (state = 'scheduled' and scheduled_at <= now())
       or (state = 'running' and (lease_until is null or lease_until < now()))
    order by created_at limit 100`);
  const ended = await db.execute<{ id: string }>(sql`
    select id from campaigns
    where state in ('completed', 'cancelled')
      and coalesce(completed_at, cancelled_at) > now() - make_interval(days => ${FOLLOW_DAYS})
    order by coalesce(completed_at, cancelled_at) desc limit 50`);
  let refreshed = 0;
  for (const { id } of ended) if (await refreshProgress(ctx, id)) refreshed++;
  return { run: due.map((r) => r.id), refreshed };
}
