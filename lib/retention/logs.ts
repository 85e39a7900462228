import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { THROTTLE_WINDOW_MS } from "@/lib/auth/throttle";
import type { Ctx } from "@/lib/db/context";
import { walkByPrimaryKey, type PruneResult, type Walk } from "./walk";

// Rows per statement and statements per run, per table. Smaller caps than webhook_events' million: the
// three purges share one job and its 10-minute expiry, and 100k rows a minute outruns any write rate.
const BATCH = 2_000;
const MAX_BATCHES = 50;

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
  input: { olderThanDays: number } & Partial<Walk>;
}): Promise<PruneResult> {
  assertCan(ctx.actor, "ingest:apply");
  return walkByPrimaryKey(
    ctx,
    {
      table: "webhook_deliveries",
      timeColumn: "created_at",
      deletable: (cutoff) =>
        sql`r.status in ('delivered', 'failed') and r.next_attempt_at < ${cutoff}::timestamptz`,
    },
    { batchSize: input.batchSize ?? BATCH, maxBatches: input.maxBatches ?? MAX_BATCHES },
    input.olderThanDays * 86_400,
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
  input: { olderThanDays: number } & Partial<Walk>;
}): Promise<PruneResult> {
  assertCan(ctx.actor, "ingest:apply");
  const seconds = Math.max(input.olderThanDays * 86_400, THROTTLE_WINDOW_MS / 1000);
  // Rows are only inserted, never updated: the time read in the chunk is the row's.
  return walkByPrimaryKey(
    ctx,
    { table: "sign_in_attempts", timeColumn: "at" },
    { batchSize: input.batchSize ?? BATCH, maxBatches: input.maxBatches ?? MAX_BATCHES },
    seconds,
  );
}
