import { pad2, zonedParts } from "@/lib/utils/time-zone";

// Business-time arithmetic for SLA clocks: how long "30 business minutes" from a moment really is, in the
// hours' own time zone, skipping nights, weekends and holidays. Pure; time zones through Intl (no dependency).

export type WeeklyHours = {
  timezone: string;
  /** { mon: [["09:00","17:00"]], ... }; a missing day is closed. "22:00"–"02:00" runs past midnight. */
  weekly: Record<string, [string, string][]>;
  holidays: { date: string; name?: string }[];
};

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY_MS = 86_400_000;
// Far enough for any real SLA; a schedule with no open hours at all gives up here rather than loop forever.
const MAX_DAYS = 400;

/** The moment `minutes` of open time after `start` (null hours = always open). */
export function addBusinessMinutes(hours: WeeklyHours | null, start: Date, minutes: number): Date {
  if (!hours) return new Date(start.getTime() + minutes * 60_000);
  let remaining = minutes * 60_000;
  let cursor = start.getTime();
  const first = localDate(start, hours.timezone);
  // Begin the day before: a range that started yesterday evening may still be open now.
  for (let offset = -1; offset < MAX_DAYS; offset++) {
    const day = addDays(first, offset);
    for (const [from, to] of dayRanges(hours, day)) {
      const begin = Math.max(from, cursor);
      if (begin >= to) continue;
      if (to - begin >= remaining) return new Date(begin + remaining);
      remaining -= to - begin;
      cursor = to;
    }
  }
  return new Date(start.getTime() + MAX_DAYS * DAY_MS);
}

/** Open time between two moments, in minutes (for reports: first response in business minutes). */
export function businessMinutesBetween(hours: WeeklyHours | null, from: Date, to: Date): number {
  if (to <= from) return 0;
  if (!hours) return (to.getTime() - from.getTime()) / 60_000;
  let total = 0;
  const first = localDate(from, hours.timezone);
  for (let offset = -1; offset < MAX_DAYS; offset++) {
    const day = addDays(first, offset);
    for (const [a, b] of dayRanges(hours, day)) {
      const start = Math.max(a, from.getTime());
      const end = Math.min(b, to.getTime());
      if (end > start) total += end - start;
      if (a >= to.getTime()) return total / 60_000;
    }
  }
  return total / 60_000;
}

/**
 * The open ranges between two moments as UTC milliseconds, clipped to them and sorted by start. Overlapping
 * entries stay separate ranges (the reports' business clock merges them).
 */
export function openRanges(hours: WeeklyHours, fromMs: number, toMs: number): [number, number][] {
  const ranges: [number, number][] = [];
  const first = localDate(new Date(fromMs), hours.timezone);
  const last = localDate(new Date(toMs), hours.timezone);
  const lastUtc = Date.UTC(last.y, last.m - 1, last.d);
  // From the day before: a range that started the evening before `from` may still be open then.
  for (let day = addDays(first, -1); Date.UTC(day.y, day.m - 1, day.d) <= lastUtc; day = addDays(day, 1)) {
    for (const [a, b] of dayRanges(hours, day)) {
      const start = Math.max(a, fromMs);
      const end = Math.min(b, toMs);
      if (end > start) ranges.push([start, end]);
    }
  }
  return ranges.sort((x, y) => x[0] - y[0]);
}

type LocalDate = { y: number; m: number; d: number };

/** A local calendar day's open ranges as UTC milliseconds, in order (none on a holiday). */
function dayRanges(hours: WeeklyHours, day: LocalDate): [number, number][] {
  const iso = `${day.y}-${pad2(day.m)}-${pad2(day.d)}`;
  if (hours.holidays.some((h) => h.date === iso)) return [];
  const weekday = DAYS[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()]!;
  const ranges: [number, number][] = [];
  for (const [from, to] of hours.weekly[weekday] ?? []) {
    const start = toUtc(hours.timezone, day, from);
    // An end at or before the start runs past midnight into the next day.
    const end = to <= from ? toUtc(hours.timezone, addDays(day, 1), to) : toUtc(hours.timezone, day, to);
    ranges.push([start, end]);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
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

function localDate(at: Date, timezone: string): LocalDate {
  const { year, month, day } = zonedParts(at, timezone);
  return { y: year, m: month, d: day };
}

function addDays(day: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d) + n * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
