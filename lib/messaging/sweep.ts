import { sql } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";
import { queues } from "@/lib/jobs/queues";
import { probePausedNumbers } from "./pause";
import { scheduleSend } from "./schedule";

// A claimed send whose lease lapsed this long ago with no wamid linked is taken as never sent. Meta's
// `sent` status (which carries our callback data) comes within seconds, so a send that did reach Meta is
// linked long before this; resending earlier would risk a second customer-visible message (R5).
const LAPSED_GRACE_MS = 10_000;
// A queued row this overdue whose job is gone (enqueue failed, pg-boss gave up on it) is re-enqueued. A row
// whose job still waits is not: behind a campaign backlog that is normal, and a second job adds nothing.
const OVERDUE_MS = 15_000;

export type SweepResult = { requeued: number; relinked: number; resumed: number };

/**
 * Finds sends a crash left behind and puts them back on the queue, so no message stays queued for more than
 * two minutes (R5): lapsed claims whose Graph call never reached Meta, and queued rows whose job was lost.
 * Safe to run in many processes at once (SKIP LOCKED; a duplicate job is a no-op at claim time).
 */
export async function sweepSends({ ctx }: { ctx: Ctx }): Promise<SweepResult> {
  const db = dbOf(ctx);
  const grace = `${LAPSED_GRACE_MS} milliseconds`;
  const overdue = `${OVERDUE_MS} milliseconds`;
  // Lapsed claims, or queued rows (a restore from a backup), where Meta's status already linked the wamid:
  // the send happened, record it instead of sending it again.
  const relinked = await db.execute<{ message_id: string }>(sql`
    update outbound_sends s set state = 'accepted', lease_until = null, settled_at = now()
    from messages m
    where m.id = s.message_id and m.wamid is not null
      and (s.state = 'queued' or (s.state = 'sending' and s.lease_until < clock_timestamp()))
    returning s.message_id`);
  const lapsed = await db.execute<{ message_id: string }>(sql`
    update outbound_sends s set state = 'queued', lease_until = null, next_attempt_at = clock_timestamp()
    where s.message_id in (
      select s2.message_id from outbound_sends s2 join messages m on m.id = s2.message_id
      where s2.state = 'sending' and s2.lease_until < clock_timestamp() - ${grace}::interval and m.wamid is null
      for update of s2 skip locked limit 500)
    returning s.message_id`);
  const lost = await db.execute<{ message_id: string }>(sql`
    update outbound_sends s set next_attempt_at = clock_timestamp()
    where s.message_id in (
      select q.message_id from outbound_sends q
      where q.state = 'queued' and q.next_attempt_at < clock_timestamp() - ${overdue}::interval
        ${(await jobTableExists(ctx)) ? jobGone : sql``}
      for update of q skip locked limit 1000)
    returning s.message_id`);
  for (const { message_id } of [...lapsed, ...lost]) await scheduleSend(message_id);
  if (lapsed.length > 0)
    console.warn(`[messaging] re-queued ${lapsed.length} sends whose worker died before Meta accepted them`);
  const resumed = await probePausedNumbers({ ctx });
  return { requeued: lapsed.length + lost.length, relinked: relinked.length, resumed: resumed.length };
}

// pg-boss's job table holds the row's job while it waits (created/retry) or runs (active). The rows asked about
// are overdue, so a job of theirs still set to start later was scheduled from a skewed clock: it counts as gone.
const jobGone = sql`and not exists (
  select 1 from pgboss.job j where j.name = ${queues.messageSend} and j.id = q.job_id and j.state < 'completed'
    and j.start_after <= clock_timestamp())`;

/** Before pg-boss first started on this database (a bare test database) there are no jobs at all. */
async function jobTableExists(ctx: Ctx): Promise<boolean> {
  const [row] = await dbOf(ctx).execute<{ exists: boolean }>(
    sql`select to_regclass('pgboss.job') is not null as exists`,
  );
  return Boolean(row?.exists);
}

const SWEEP_INTERVAL_MS = 10_000;

/** The sweep loop of a worker process; returns its stop function (part of graceful shutdown). */
export function startSendSweep(ctx: Ctx, intervalMs = SWEEP_INTERVAL_MS): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepSends({ ctx })
      .catch((error: Error) => console.error(`[messaging] send sweep failed: ${error.message}`))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
