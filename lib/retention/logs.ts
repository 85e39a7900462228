import { sql, type SQL } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { THROTTLE_WINDOW_MS } from "@/lib/auth/throttle";
import { dbOf, type Ctx } from "@/lib/db/context";

// Rows per statement and statements per run, per table. Smaller caps than webhook_events' million: the
// three purges share one job and its 10-minute expiry, and 100k rows a minute outruns any write rate.
const BATCH = 2_000;
const MAX_BATCHES = 50;

export type LogPruneResult = { cutoff: string; deleted: number; batches: number };

type Walk = { batchSize?: number; maxBatches?: number };

/**
 * Delivery log of outbound webhooks (lib/integrations): deletes rows that are settled (`delivered`, or
 * `failed` after the last retry) and whose last attempt is more than `olderThanDays` old. Pending rows are
 * kept whatever their age: the dispatcher still owes them a retry. A redelivered old row counts from its
 * new attempt: next_attempt_at is never before the last claim (delivered keeps claim + lease, failed gets
 * last failure + backoff), so it stays in the admin's log for the whole period after it was last sent.
 */
export async function pruneWebhookDeliveries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { olderThanDays: number } & Walk;
}): Promise<LogPruneResult> {
  assertCan(ctx.actor, "ingest:apply");
  return walkByPrimaryKey(
    ctx,
    input,
    input.olderThanDays * 86_400,
    (after, cutoff, limit) => sql`
    with chunk as (
      select id, created_at from webhook_deliveries where id > ${after}::bigint order by id limit ${limit}
    ), gone as (
      -- Status and last attempt are read on the row itself: a redelivery meanwhile makes it skip the row.
      delete from webhook_deliveries d
      where d.id = any(array(select id from chunk where created_at < ${cutoff}::timestamptz))
        and d.status in ('delivered', 'failed') and d.next_attempt_at < ${cutoff}::timestamptz
      returning d.id
    )
    select (select count(*) from gone)::int as deleted, (select count(*) from chunk)::int as seen,
      (select max(id) from chunk)::text as last_id,
      (select bool_or(created_at >= ${cutoff}::timestamptz) from chunk) as reached`,
  );
}

/**
 * Sign-in attempts (lib/auth/throttle) older than `olderThanDays`. The throttle counts failures of the last
 * THROTTLE_WINDOW_MS, so the period is never shorter than that window whatever is asked: a shorter one
 * would forget failures the progressive delay still needs. The audit log keeps its own record of each attempt.
 */
export async function pruneSignInAttempts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { olderThanDays: number } & Walk;
}): Promise<LogPruneResult> {
  assertCan(ctx.actor, "ingest:apply");
  const seconds = Math.max(input.olderThanDays * 86_400, THROTTLE_WINDOW_MS / 1000);
  return walkByPrimaryKey(
    ctx,
    input,
    seconds,
    (after, cutoff, limit) => sql`
    with chunk as (
      select id, at from sign_in_attempts where id > ${after}::bigint order by id limit ${limit}
    ), gone as (
      -- Rows are only inserted, never updated: at in the chunk is at in the row.
      delete from sign_in_attempts where id = any(array(select id from chunk where at < ${cutoff}::timestamptz))
      returning id
    )
    select (select count(*) from gone)::int as deleted, (select count(*) from chunk)::int as seen,
      (select max(id) from chunk)::text as last_id,
      (select bool_or(at >= ${cutoff}::timestamptz) from chunk) as reached`,
  );
}

/**
 * As purgeWebhookEvents: chunks of the primary key from the oldest row, one short delete each, stopping at
 * the first chunk that reaches a row inside the period. Ids grow with the row's time, so no index on the
 * time column is needed and an idle run reads one chunk through the primary key. The delete takes the
 * chunk's ids as an array (`id = any(...)`), so it is a primary-key lookup: joined to the chunk instead,
 * the planner read every old sign-in attempt through the email index for each chunk.
 */
async function walkByPrimaryKey(
  ctx: Ctx,
  walk: Walk,
  olderThanSeconds: number,
  chunk: (after: string, cutoff: string, limit: number) => SQL,
): Promise<LogPruneResult> {
  const batchSize = walk.batchSize ?? BATCH;
  const maxBatches = walk.maxBatches ?? MAX_BATCHES;
  const [now] = await dbOf(ctx).execute<{ cutoff: string }>(
    sql`select (now() - make_interval(secs => ${olderThanSeconds}))::text as cutoff`,
  );
  const cutoff = now!.cutoff;
  const result: LogPruneResult = { cutoff: new Date(cutoff).toISOString(), deleted: 0, batches: 0 };
  let after = "0";
  while (result.batches < maxBatches) {
    const [row] = await dbOf(ctx).execute<{
      deleted: number;
      seen: number;
      last_id: string | null;
      reached: boolean | null;
    }>(chunk(after, cutoff, batchSize));
    result.batches += 1;
    result.deleted += row?.deleted ?? 0;
    if (!row || row.seen < batchSize || row.reached || row.last_id === null) break;
    after = row.last_id;
  }
  return result;
}
