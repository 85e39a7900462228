import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { applyWebhookEvent } from "./apply";

export type ReplayProgress = { done: number; total: number; failed: number };

/**
 * Re-applies stored webhooks received since `since` (all of them by default), oldest first. Safe at any
 * time: applying is idempotent, so a replay only fills in what is missing (e.g. after a restore).
 */
export async function replayWebhookEvents({
  ctx,
  input,
  onProgress,
}: {
  ctx: Ctx;
  input: { since?: Date; until?: Date };
  onProgress?: (progress: ReplayProgress) => void;
}): Promise<ReplayProgress> {
  assertCan(ctx.actor, "ingest:apply");
  const since = (input.since ?? new Date(0)).toISOString();
  const until = (input.until ?? new Date("9999-01-01")).toISOString();
  const ids = await dbOf(ctx).execute<{ id: string }>(sql`
    select id from webhook_events where received_at >= ${since}::timestamptz and received_at < ${until}::timestamptz
    order by id`);
  const progress: ReplayProgress = { done: 0, total: ids.length, failed: 0 };
  for (const { id } of ids) {
    const eventId = Number(id);
    await dbOf(ctx).execute(sql`update webhook_events set status = 'pending' where id = ${eventId}`);
    const outcome = await applyWebhookEvent({ ctx, input: { eventId } });
    progress.done += 1;
    if (outcome.state === "failed") progress.failed += 1;
    if (progress.done % 500 === 0 || progress.done === progress.total) onProgress?.({ ...progress });
  }
  return progress;
}
