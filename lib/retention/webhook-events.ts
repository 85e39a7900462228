import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { walkByPrimaryKey, type PruneResult } from "./walk";

// Rows per statement: each delete is one short statement, so ingest inserts and the drain's claims never
// wait long behind it.
const BATCH = 5_000;
// Statements per run: a first run over months of rows stops after a million and the next run goes on,
// so one job never outlives its expiry.
const MAX_BATCHES = 200;

/**
 * Deletes stored webhook bodies that were applied (or failed for good) longer than `olderThanHours` ago;
 * pending rows are kept whatever their age, the drain still owes them. Within the period they are the
 * replay source after a restore (docs/operations.md, BENCHMARKS.md R20). Walks the primary key in chunks
 * of `batchSize` from the oldest row and stops at the first chunk that reaches rows inside the period:
 * ids grow with received_at, so no index on received_at is needed and an idle run reads one chunk.
 */
export async function purgeWebhookEvents({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { olderThanHours: number; batchSize?: number; maxBatches?: number };
}): Promise<PruneResult> {
  assertCan(ctx.actor, "ingest:apply");
  return walkByPrimaryKey(
    ctx,
    {
      table: "webhook_events",
      timeColumn: "received_at",
      // Pending rows are the drain's; a replay that set one back to pending meanwhile keeps it too.
      deletable: () => sql`r.status <> 'pending'`,
    },
    { batchSize: input.batchSize ?? BATCH, maxBatches: input.maxBatches ?? MAX_BATCHES },
    input.olderThanHours * 3600,
  );
}

/**
 * Send-rate bookkeeping (lib/messaging/rate-limiter.ts) keeps one row per number and per customer pair. A row
 * whose theoretical arrival time is minutes in the past means a full bucket, the same as no row (the limiter
 * inserts a missing key exactly as it updates an idle one), so such rows are dropped.
 */
export async function pruneSendRateLimits({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { idleMinutes: number };
}): Promise<number> {
  assertCan(ctx.actor, "ingest:apply");
  const rows = await dbOf(ctx).execute(sql`
    delete from send_rate_limits where tat < now() - make_interval(mins => ${input.idleMinutes}) returning key`);
  return rows.length;
}
