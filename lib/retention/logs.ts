import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { THROTTLE_WINDOW_MS } from "@/lib/auth/throttle";
import type { Ctx } from "@/lib/db/context";
import { walkByPrimaryKey, type PruneResult, type Walk } from "./walk";

// Rows per statement and statements per run, per table. Smaller caps than webhook_events' million: the
// three purges share one job and its 10-minute expiry, and 100k rows a minute outruns any write rate.
const BATCH = 2_000;
const MAX_BATCHES = 50;

export type LogPruneResult = PruneResult;

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
    { batchSize: input.batchSize ?? BATCH, maxBatches: input.maxBatches ?? MAX_BATCHES },
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
    { batchSize: input.batchSize ?? BATCH, maxBatches: input.maxBatches ?? MAX_BATCHES },
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
