import type { WeeklyHours } from "@/lib/sla";
import { pad2, zonedParts } from "@/lib/utils/time-zone";

// Business minutes for reports, computed in Postgres: the open intervals of a schedule over the report's span,
// merged and sorted, with the open minutes before each. Open minutes between a and b are then
// clock(b) - clock(a), where clock(t) = before[i] + (min(t, end[i]) - start[i]) for the last interval i
// starting at or before t: one width_bucket (a binary search) per timestamp instead of a JS loop per cycle.
// The interval arithmetic follows lib/sla/business-time.ts (businessMinutesBetween), which the unit test
// compares against.

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY_MS = 86_400_000;

export type BusinessClock = { starts: number[]; ends: number[]; before: number[] };

type LocalDate = { y: number; m: number; d: number };

export function businessClock(hours: WeeklyHours, fromMs: number, toMs: number): BusinessClock {
  const ranges: [number, number][] = [];
  const first = localDate(fromMs, hours.timezone);
  const last = localDate(toMs, hours.timezone);
  const lastUtc = Date.UTC(last.y, last.m - 1, last.d);
  // From the day before: a range that started the evening before `from` may still be open then.
  for (let day = addDays(first, -1); Date.UTC(day.y, day.m - 1, day.d) <= lastUtc; day = addDays(day, 1)) {
    for (const [a, b] of openRanges(hours, day)) {
      const start = Math.max(a, fromMs);
      const end = Math.min(b, toMs);
      if (end > start) ranges.push([start, end]);
    }
  }
  ranges.sort((x, y) => x[0] - y[0]);
  const clock: BusinessClock = { starts: [], ends: [], before: [] };
  let total = 0;
  for (const [start, end] of ranges) {
    const n = clock.ends.length;
    const prevEnd = n ? clock.ends[n - 1]! : -Infinity;
    if (start <= prevEnd) {
      // Overlapping or touching ranges are one stretch of open time.
      if (end > prevEnd) {
        total += end - prevEnd;
        clock.ends[n - 1] = end;
      }
      continue;
    }
    clock.starts.push(start);
    clock.ends.push(end);
    clock.before.push(total / 60_000);
    total += end - start;
  }
  return clock;
}

/** The clock as Postgres array literals, for `::timestamptz[]` and `::float8[]` parameters. */
export function clockArrays(clock: BusinessClock): { starts: string; ends: string; before: string } {
  const ts = (ms: number[]) => `{${ms.map((t) => new Date(t).toISOString()).join(",")}}`;
  return { starts: ts(clock.starts), ends: ts(clock.ends), before: `{${clock.before.join(",")}}` };
}

/** The same clock in JS (tests compare it with businessMinutesBetween). */
export function clockAt(clock: BusinessClock, t: number): number {
  let lo = 0;
  let hi = clock.starts.length - 1;
  let i = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (clock.starts[mid]! <= t) {
      i = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (i < 0) return 0;
  return clock.before[i]! + (Math.min(t, clock.ends[i]!) - clock.starts[i]!) / 60_000;
}

function openRanges(hours: WeeklyHours, day: LocalDate): [number, number][] {
  const iso = `${day.y}-${pad2(day.m)}-${pad2(day.d)}`;
  if (hours.holidays.some((h) => h.date === iso)) return [];
  const weekday = DAYS[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()]!;
  return (hours.weekly[weekday] ?? []).map(([from, to]) => {
    const start = toUtc(hours.timezone, day, from);
    // An end at or before the start runs past midnight into the next day.
    const end = to <= from ? toUtc(hours.timezone, addDays(day, 1), to) : toUtc(hours.timezone, day, to);
    return [start, end];
  });
}

/** Wall-clock time in a zone → UTC ms; correct across DST changes (two passes on the zone's offset). */
function toUtc(timezone: string, day: LocalDate, hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  const wall = Date.UTC(day.y, day.m - 1, day.d, h === 24 ? 0 : h, m) + (h === 24 ? DAY_MS : 0);
  let guess = wall - offsetMs(timezone, wall);
  guess = wall - offsetMs(timezone, guess);
  return guess;
}

function offsetMs(timezone: string, at: number): number {
  const p = zonedParts(new Date(at), timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

function localDate(at: number, timezone: string): LocalDate {
  const { year, month, day } = zonedParts(new Date(at), timezone);
  return { y: year, m: month, d: day };
}

function addDays(day: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d) + n * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
