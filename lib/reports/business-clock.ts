import { openRanges, type WeeklyHours } from "@/lib/sla";

// Business minutes for reports, computed in Postgres: the open intervals of a schedule over the report's span,
// merged and sorted, with the open minutes before each. Open minutes between a and b are then
// clock(b) - clock(a), where clock(t) = before[i] + (min(t, end[i]) - start[i]) for the last interval i
// starting at or before t: one width_bucket (a binary search) per timestamp instead of a JS loop per cycle.
// The open ranges come from lib/sla (openRanges), the same arithmetic as businessMinutesBetween, which the
// unit test compares against.

export type BusinessClock = { starts: number[]; ends: number[]; before: number[] };

export function businessClock(hours: WeeklyHours, fromMs: number, toMs: number): BusinessClock {
  const clock: BusinessClock = { starts: [], ends: [], before: [] };
  let total = 0;
  for (const [start, end] of openRanges(hours, fromMs, toMs)) {
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
