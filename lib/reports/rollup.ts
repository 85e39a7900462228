import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";

const WATERMARK = "message_volume_daily";
// Messages committed this long after their insert began may be missed; the lag keeps that to transactions
// slower than any normal one (history imports are not counted anyway).
const LAG = "60 seconds";
// A first run on an old database catches up this much insert time per run, a minute apart.
const MAX_SPAN = "30 days";
const NO_TEAM = "00000000-0000-0000-0000-000000000000";

/**
 * Folds messages stored since the watermark into message_volume_daily (one row per day, number, team,
 * source and direction), in one transaction with the watermark, so each message counts exactly once and
 * concurrent runs (several workers) take turns on the watermark's row lock.
 */
export async function rollupMessageVolume({ ctx }: { ctx: Ctx }): Promise<{ counted: number; upTo: string }> {
  assertCan(ctx.actor, "ingest:apply");
  return withTransaction(ctx, async (tx) => {
    await tx.execute(sql`
      insert into job_watermarks (key, value) values (${WATERMARK}, '-infinity') on conflict (key) do nothing`);
    // Catch-up jumps over stretches without messages: the span starts at the next stored message.
    const [mark] = await tx.execute<{ since: string; up_to: string }>(sql`
      select value as since, least(
        now() - ${LAG}::interval,
        coalesce((select min(created_at) from messages where created_at > w.value), now()) + ${MAX_SPAN}::interval
      ) as up_to
      from job_watermarks w where key = ${WATERMARK} for update`);
    const since = mark!.since;
    const upTo = mark!.up_to;
    if (String(since) !== "-infinity" && new Date(upTo) <= new Date(since))
      return { counted: 0, upTo: iso(since) };
    const [counted] = await tx.execute<{ n: number }>(sql`
      with fresh as (
        select (m.timestamp at time zone 'UTC')::date as day, c.phone_number_id,
          coalesce(c.team_id, ${NO_TEAM}::uuid) as team_id, m.source::text as source, m.direction::text as direction,
          count(*)::int as n
        from messages m join conversations c on c.id = m.conversation_id
        where m.created_at > ${since}::timestamptz and m.created_at <= ${upTo}::timestamptz
        group by 1, 2, 3, 4, 5
      ), upserted as (
        insert into message_volume_daily (day, phone_number_id, team_id, source, direction, count)
        select day, phone_number_id, team_id, source, direction, n from fresh
        on conflict (day, phone_number_id, team_id, source, direction)
        do update set count = message_volume_daily.count + excluded.count
        returning 1
      )
      select coalesce((select sum(n) from fresh), 0)::int as n`);
    await tx.execute(sql`update job_watermarks set value = ${upTo}::timestamptz where key = ${WATERMARK}`);
    return { counted: counted?.n ?? 0, upTo: iso(upTo) };
  });
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
