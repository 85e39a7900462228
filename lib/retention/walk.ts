import { sql, type SQL } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";

export type PruneResult = { cutoff: string; deleted: number; batches: number };

export type Walk = { batchSize?: number; maxBatches?: number };

/**
 * The retention purges' loop: chunks of the primary key from the oldest row, one short delete each, stopping at
 * the first chunk that reaches a row inside the period. Ids grow with the row's time, so no index on the
 * time column is needed and an idle run reads one chunk through the primary key. The delete takes the
 * chunk's ids as an array (`id = any(...)`), so it is a primary-key lookup: joined to the chunk instead,
 * the planner read every old sign-in attempt through the email index for each chunk.
 */
export async function walkByPrimaryKey(
  ctx: Ctx,
  walk: Required<Walk>,
  olderThanSeconds: number,
  chunk: (after: string, cutoff: string, limit: number) => SQL,
): Promise<PruneResult> {
  const { batchSize, maxBatches } = walk;
  const [now] = await dbOf(ctx).execute<{ cutoff: string }>(
    sql`select (now() - make_interval(secs => ${olderThanSeconds}))::text as cutoff`,
  );
  const cutoff = now!.cutoff;
  const result: PruneResult = { cutoff: new Date(cutoff).toISOString(), deleted: 0, batches: 0 };
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
