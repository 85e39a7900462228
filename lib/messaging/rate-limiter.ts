import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";

/**
 * Cross-process rate limits in Postgres (GCRA over send_rate_limits). Each key keeps the theoretical
 * arrival time (tat) of its next send; reserving moves it on by one interval in a single row update, so
 * any number of processes share one budget without a coordinator. Times come from Postgres'
 * clock_timestamp(), so a process with a skewed clock still paces correctly (it only sleeps relative
 * delays).
 */

export type Reservation =
  | { ok: true; /** How long to wait before calling Meta (0 = now). */ delayMs: number }
  | { ok: false; /** When to try again. */ retryAfterMs: number };

/**
 * Reserves the next slot on `key` spaced `intervalMs` apart, waiting at most `maxWaitMs` for it. `burst`
 * lets that many sends through back to back before spacing starts (1 = strict spacing).
 */
export async function reserveSlot(
  db: DbOrTx,
  input: { key: string; intervalMs: number; maxWaitMs: number; burst?: number },
): Promise<Reservation> {
  const interval = `${input.intervalMs} milliseconds`;
  // The tolerance: how far ahead of now the tat may run before a send must wait.
  const tolerance = `${(Math.max(1, input.burst ?? 1) - 1) * input.intervalMs} milliseconds`;
  const maxWait = `${input.maxWaitMs} milliseconds`;
  const [row] = await db.execute<{ delay_ms: number | null; retry_ms: number | null }>(sql`
    with now as (select clock_timestamp() as t),
    attempt as (
      insert into send_rate_limits as l (key, tat)
      select ${input.key}, t + ${interval}::interval from now
      on conflict (key) do update set tat = greatest(l.tat, (select t from now)) + ${interval}::interval
        where greatest(l.tat, (select t from now)) - ${tolerance}::interval - (select t from now) <= ${maxWait}::interval
      returning tat
    )
    select
      (select greatest(0, extract(epoch from (a.tat - ${interval}::interval - ${tolerance}::interval - n.t)) * 1000)
         from attempt a, now n) as delay_ms,
      (select greatest(0, extract(epoch from (l.tat - ${tolerance}::interval - ${maxWait}::interval - n.t)) * 1000)
         from send_rate_limits l, now n where l.key = ${input.key}) as retry_ms`);
  if (row?.delay_ms !== null && row?.delay_ms !== undefined)
    return { ok: true, delayMs: Number(row.delay_ms) };
  return { ok: false, retryAfterMs: Math.max(1, Math.ceil(Number(row?.retry_ms ?? input.intervalMs))) };
}

/** Pushes a key's next slot at least `ms` into the future: Meta said we went too fast (130429, 131056). */
export async function penalize(db: DbOrTx, input: { key: string; ms: number }): Promise<void> {
  const ms = `${Math.max(0, Math.round(input.ms))} milliseconds`;
  await db.execute(sql`
    insert into send_rate_limits as l (key, tat) values (${input.key}, clock_timestamp() + ${ms}::interval)
    on conflict (key) do update set tat = greatest(l.tat, clock_timestamp() + ${ms}::interval)`);
}

/** Keys, in one place so the sweep, the worker and the tests agree. */
export const limiterKeys = {
  number: (phoneNumberId: string) => `number:${phoneNumberId}`,
  pair: (phoneNumberId: string, recipient: string) => `pair:${phoneNumberId}:${recipient}`,
  user: (userId: string) => `user:${userId}`,
};

// Sends spaced exactly 1/limit apart leave no room inside Meta's one-second window for network and
// event-loop jitter: limit+1 sends must span at least 1 s plus this much. 50 ms keeps the sustained rate at
// 95 % of the limit (T5) at every limit; 40 ms let a 6th send into one second at 5 msg/s.
const JITTER_ALLOWANCE_MS = 50;

/** Spacing between sends for a number allowed `perSecond` messages per second. */
export function numberIntervalMs(perSecond: number): number {
  return (1000 + JITTER_ALLOWANCE_MS) / perSecond;
}

/** A number without its own setting sends at Meta's default rate, defined once with the number. */
export { defaultSendRate as defaultRateLimit } from "@/lib/numbers/schemas";
