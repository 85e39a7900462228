import { sql, type SQL } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";

export type PruneResult = { cutoff: string; deleted: number; batches: number };

export type Walk = { batchSize: number; maxBatches: number };

/** What a purge deletes: rows of `table` whose `timeColumn` is before the cutoff and that pass `deletable`. */
export type PruneTarget = {
  table: string;
  timeColumn: string;
  /** Checked on the row itself at delete time (alias `r`), so a change made meanwhile (a retry) keeps it. */
  deletable?: (cutoff: string) => SQL;
};

/**
 * The retention purges' loop: chunks of the primary key from the oldest row, one short delete each, stopping
 * at the first chunk that reaches a row inside the period. Ids grow with the row's time, so no index on the
 * time column is needed and an idle run reads one chunk through the primary key. The delete takes the
 * chunk's ids as an array (`id = any(...)`), so it is a primary-key lookup: joined to the chunk instead,
 * the planner read every old sign-in attempt through the email index for each chunk.
 */
export async function walkByPrimaryKey(
  ctx: Ctx,
  target: PruneTarget,
  walk: Walk,
  olderThanSeconds: number,
): Promise<PruneResult> {
  const [now] = await dbOf(ctx).execute<{ cutoff: string }>(
    sql`select (now() - make_interval(secs => ${olderThanSeconds}))::text as cutoff`,
  );
  const cutoff = now!.cutoff;
  const table = sql.identifier(target.table);
  const time = sql.identifier(target.timeColumn);
  const deletable = target.deletable ? sql`and ${target.deletable(cutoff)}` : sql``;
  const result: PruneResult = { cutoff: new Date(cutoff).toISOString(), deleted: 0, batches: 0 };
  let after = "0";
  while (result.batches < walk.maxBatches) {
    const [row] = await dbOf(ctx).execute<{
      deleted: number;
      seen: number;
      last_id: string | null;
      reached: boolean | null;
    }>(sql`
      with chunk as (
        select id, ${time} as at from ${table} where id > ${after}::bigint order by id limit ${walk.batchSize}
      ), gone as (
        delete from ${table} r
        where r.id = any(array(select id from chunk where at < ${cutoff}::timestamptz)) ${deletable}
        returning r.id
      )
      select (select count(*) from gone)::int as deleted, (select count(*) from chunk)::int as seen,
        (select max(id) from chunk)::text as last_id,
        (select bool_or(at >= ${cutoff}::timestamptz) from chunk) as reached`);
    result.batches += 1;
    result.deleted += row?.deleted ?? 0;
    if (!row || row.seen < walk.batchSize || row.reached || row.last_id === null) break;
    after = row.last_id;
  }
  return result;
}
