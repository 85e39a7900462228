import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { defaultSendRate } from "@/lib/numbers/schemas";

/**
 * Cross-process rate limits in Postgres (GCRA over send_rate_limits). Each key keeps the theoretical
 * arrival time (tat) of its next send; reserving moves it on by one interval in a single row update, so
 * any number of processes share one budget without a coordinator. Times come from Postgres'
 * clock_timestamp(), so a process with a skewed clock still paces correctly (it only sleeps relative
 * delays).
 */

export type Reservation =
  | {
      ok: true;
      /** How long to wait before calling Meta (0 = now). */
      delayMs: number;
      /** The slot on Postgres' clock (epoch ms), and Postgres' clock when it was reserved. */
      slotAtMs: number;
      pgNowMs: number;
    }
  | { ok: false; /** When to try again. */ retryAfterMs: number; pgNowMs: number };

/**
 * Reserves the next slot on `key` spaced `intervalMs` apart, waiting at most `maxWaitMs` for it. `burst`
 * lets that many sends through back to back before spacing starts (1 = strict spacing). `leadMs` puts the
 * slot at least that far after Postgres' now, so a caller can still be on time after the reply's trip back.
 */
export async function reserveSlot(
  db: DbOrTx,
  input: { key: string; intervalMs: number; maxWaitMs: number; burst?: number; leadMs?: number },
): Promise<Reservation> {
  const interval = `${input.intervalMs} milliseconds`;
  // The tolerance: how far ahead of now the tat may run before a send must wait.
  const tolerance = `${(Math.max(1, input.burst ?? 1) - 1) * input.intervalMs} milliseconds`;
  const maxWait = `${input.maxWaitMs} milliseconds`;
  const lead = `${Math.max(0, input.leadMs ?? 0)} milliseconds`;
  const [row] = await db.execute<{
    delay_ms: string | number | null;
    retry_ms: string | number | null;
    now_ms: string | number;
  }>(sql`
    with now as (select clock_timestamp() as t),
    attempt as (
      insert into send_rate_limits as l (key, tat)
      select ${input.key}, t + ${lead}::interval + ${interval}::interval from now
      on conflict (key) do update set tat = greatest(l.tat, (select t from now) + ${lead}::interval) + ${interval}::interval
        where greatest(l.tat, (select t from now) + ${lead}::interval) - ${tolerance}::interval - (select t from now) <= ${maxWait}::interval
      returning tat
    )
    select
      (select greatest(extract(epoch from ${lead}::interval),
                       extract(epoch from (a.tat - ${interval}::interval - ${tolerance}::interval - n.t))) * 1000
         from attempt a, now n) as delay_ms,
      (select greatest(0, extract(epoch from (l.tat - ${tolerance}::interval - ${maxWait}::interval - n.t)) * 1000)
         from send_rate_limits l, now n where l.key = ${input.key}) as retry_ms,
      (select extract(epoch from t) * 1000 from now) as now_ms`);
  const pgNowMs = Number(row?.now_ms);
  if (row?.delay_ms !== null && row?.delay_ms !== undefined) {
    const delayMs = Number(row.delay_ms);
    return { ok: true, delayMs, slotAtMs: pgNowMs + delayMs, pgNowMs };
  }
  return {
    ok: false,
    retryAfterMs: Math.max(1, Math.ceil(Number(row?.retry_ms ?? input.intervalMs))),
    pgNowMs,
  };
}

/**
 * A sender that woke too late for its slot (`slotAtMs`) asks to start by `startWithinMs` from now instead of
 * giving the slot up. Allowed only while the slot `limit` places after it is not reserved yet: the key's tat
 * then moves on so that slot starts over 1 s after the late start (the slots reserved after ours
 * are counted as if packed one interval apart, which only overcounts). Returns the start deadline on
 * Postgres' clock.
 */
export async function extendSlot(
  db: DbOrTx,
  input: { key: string; slotAtMs: number; limit: number; startWithinMs: number },
): Promise<{ ok: true; startByMs: number; pgNowMs: number } | { ok: false; pgNowMs: number }> {
  const [row] = await db.execute<{ start_by_ms: string | number | null; now_ms: string | number }>(sql`
    with now as (select clock_timestamp() as t),
    moved as (${moveLaterSlots(input, sql`n.t + make_interval(secs => ${input.startWithinMs}::float8 / 1000)`)})
    select (select extract(epoch from t) * 1000 + ${input.startWithinMs}::float8 from moved) as start_by_ms,
           (select extract(epoch from t) * 1000 from now) as now_ms`);
  const pgNowMs = Number(row?.now_ms);
  if (row?.start_by_ms === null || row?.start_by_ms === undefined) return { ok: false, pgNowMs };
  return { ok: true, startByMs: Number(row.start_by_ms), pgNowMs };
}

/**
 * A send whose request left the process after its start window (`startedAtMs` on Postgres' clock, an upper
 * bound): moves the key's later slots as extendSlot does, after the fact. False when `limit` slots after ours
 * were reserved already, so the late start may crowd a 1 s window.
 */
export async function accountLateStart(
  db: DbOrTx,
  input: { key: string; slotAtMs: number; limit: number; startedAtMs: number },
): Promise<boolean> {
  const [row] = await db.execute<{ moved: boolean }>(sql`
    with now as (select clock_timestamp() as t),
    moved as (${moveLaterSlots(input, sql`to_timestamp(${input.startedAtMs}::float8 / 1000)`)})
    select exists (select 1 from moved) as moved`);
  return Boolean(row?.moved);
}

/**
 * The update behind extendSlot and accountLateStart: the slot `limit` places after `slotAtMs` starts at least
 * 1 s + RECEIVE_JITTER_MS after `startAt`, if it is not reserved yet. The slots from ours to the tat are
 * counted exactly (the slot comes as fractional ms; a hair under a whole count is that count), not rounded up.
 */
function moveLaterSlots(input: { key: string; slotAtMs: number; limit: number }, startAt: SQL) {
  const intervalMs = numberIntervalMs(input.limit);
  const spanMs = 1000 + RECEIVE_JITTER_MS;
  const reserved = sql`ceil(extract(epoch from l.tat - to_timestamp(${input.slotAtMs}::float8 / 1000)) * 1000
                      / ${intervalMs}::float8 - 0.01)`;
  return sql`
      update send_rate_limits l
      set tat = greatest(l.tat, ${startAt} + make_interval(secs => (${spanMs}::float8
                - (${input.limit} - ${reserved}) * ${intervalMs}::float8) / 1000))
      from now n
      where l.key = ${input.key} and ${reserved} - 1 < ${input.limit}
      returning n.t`;
}

/**
 * Whether a sender that woke `lateMs` after its slot should push the later slots back (extendSlot) rather than
 * leave its slot unused and take a fresh one. The push costs the key the lateness plus one and a half round
 * trips (the update's way there, and the start deadline it leaves for the reply), and both when the reply
 * still comes too late, hence the start window as a margin; an unused slot costs one interval. At 80 msg/s
 * (12.75 ms) the push never pays; at 5 msg/s (204 ms) it nearly always does.
 */
export function latePushPays(input: { lateMs: number; roundTripMs: number; intervalMs: number }): boolean {
  return input.lateMs + 1.5 * input.roundTripMs + SLOT_START_WINDOW_MS < input.intervalMs;
}

/**
 * Takes the next slot on `key` only while the key is busy (its next slot is in the future): how long until
 * that slot, or null when the key is idle and the caller may go ahead without it.
 */
export async function reserveIfBusy(
  db: DbOrTx,
  input: { key: string; intervalMs: number },
): Promise<number | null> {
  const interval = `${input.intervalMs} milliseconds`;
  const [row] = await db.execute<{ delay_ms: string | number }>(sql`
    update send_rate_limits set tat = tat + ${interval}::interval
    where key = ${input.key} and tat > clock_timestamp()
    returning extract(epoch from (tat - ${interval}::interval - clock_timestamp())) * 1000 as delay_ms`);
  return row ? Math.max(0, Number(row.delay_ms)) : null;
}

/**
 * Gives back a slot reserved with `maxWaitMs: 0` whose send did not happen (its number slot was refused).
 * Safe only for such keys: their slots start at once, so none reserved later can be moved onto a taken one.
 */
export async function returnSlot(db: DbOrTx, input: { key: string; intervalMs: number }): Promise<void> {
  const interval = `${input.intervalMs} milliseconds`;
  await db.execute(
    sql`update send_rate_limits set tat = tat - ${interval}::interval where key = ${input.key}`,
  );
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
  /** Turns for campaign sends the number's slots refused (deliver.ts waitlistDelayMs). */
  waitlist: (phoneNumberId: string) => `waitlist:${phoneNumberId}`,
  user: (userId: string) => `user:${userId}`,
};

/**
 * How late after its slot a send may still start its Graph request. A later one first moves back the slots
 * a second on (extendSlot), or else leaves its slot unused and takes a fresh one (deliver.ts), so `limit + 1`
 * starts always span `limit` intervals minus this, or more.
 */
export const SLOT_START_WINDOW_MS = 10;
// What the sender cannot pace: network and the receiver's own delay in stamping two requests differently.
const RECEIVE_JITTER_MS = 10;
// A request whose bytes left after its window while every slot of the next second was reserved already
// (accountLate cannot move them): the fault harness saw one 14 ms over its window, after a 190 pause lifted.
export const UNACCOUNTED_LATE_MS = 10;

/**
 * Spacing between sends for a number allowed `perSecond` messages per second: any `perSecond + 1` sends
 * then start at least 1 s + RECEIVE_JITTER_MS apart even if each started SLOT_START_WINDOW_MS late, or one of
 * them UNACCOUNTED_LATE_MS later still (T5: "never > limit in any 1 s window"); the sustained rate stays at
 * 97 % of the limit.
 */
export function numberIntervalMs(perSecond: number): number {
  return (1000 + SLOT_START_WINDOW_MS + RECEIVE_JITTER_MS + UNACCOUNTED_LATE_MS) / perSecond;
}

// Clock samples older than this are dropped: both clocks may be slewed by NTP (≤ 0.5 ms/s), never stepped
// within a sample's lifetime in practice; an inconsistent set (a step) resets to the newest sample.
const CLOCK_SAMPLE_TTL_MS = 10_000;

/**
 * This process's view of Postgres' clock. A reservation's `pgNowMs` was read somewhere inside its round
 * trip, which bounds the offset (Postgres − performance.now()); intersecting recent round trips keeps the
 * bound tight (about the fastest round trip) even while some trips are slow.
 */
export class PgClock {
  private samples: { at: number; lo: number; hi: number }[] = [];
  private lastRttMs = 5;

  observe(askedAt: number, answeredAt: number, pgNowMs: number): void {
    if (!Number.isFinite(pgNowMs)) return;
    this.lastRttMs = answeredAt - askedAt;
    this.samples = this.samples.filter((s) => answeredAt - s.at <= CLOCK_SAMPLE_TTL_MS).slice(-63);
    this.samples.push({ at: answeredAt, lo: pgNowMs - answeredAt, hi: pgNowMs - askedAt });
    const { lo, hi } = this.bounds();
    if (lo > hi) this.samples = this.samples.slice(-1);
  }

  /** Bounds on Postgres' clock minus performance.now(). */
  bounds(): { lo: number; hi: number } {
    let lo = -Infinity;
    let hi = Infinity;
    for (const s of this.samples) {
      lo = Math.max(lo, s.lo);
      hi = Math.min(hi, s.hi);
    }
    return { lo, hi };
  }

  /**
   * The local performance.now() span in which a start is surely within [slot, slot + windowMs] on Postgres'
   * clock; null when the offset is not known well enough for that.
   */
  localWindow(slotAtMs: number, windowMs: number): { earliest: number; latest: number } | null {
    const { lo, hi } = this.bounds();
    const earliest = slotAtMs - lo;
    const latest = slotAtMs - hi + windowMs;
    return earliest <= latest ? { earliest, latest } : null;
  }

  /** The last performance.now() that is surely no later than `pgMs` on Postgres' clock. */
  localDeadline(pgMs: number): number {
    return pgMs - this.bounds().hi;
  }

  /** How far ahead to put a slot so the reservation's reply is back in time (the last round trip, capped). */
  leadMs(): number {
    return Math.min(250, Math.max(2, Math.ceil(this.lastRttMs)));
  }
}

/** Messages per second a number may start: its own setting, else Meta's default for its kind (defined once with the number). */
export function numberSendLimit(number: { send_rate_limit: number | null; coexistence: boolean }): number {
  return number.send_rate_limit ?? defaultSendRate(number.coexistence);
}
