import { isValidTimeZone, pad2, zonedParts } from "@/lib/utils/time-zone";

// Is a schedule open at a moment? Pure and client-safe (the flow simulator runs in the browser); time zones
// through Intl. Works on the local wall clock, so DST days need no special case: a range is open while the
// local time is inside it, whatever the day's length.

export type Hours = {
  /** IANA zone, e.g. "America/New_York". */
  timezone: string;
  /** { mon: [["09:00","17:00"]], ... }; a missing day is closed; an end at or before the start runs past midnight. */
  weekly: Record<string, [string, string][]>;
  /** Closed all day (local date); a range that began the evening before still runs into it. */
  holidays: { date: string; name?: string }[];
};

export { isValidTimeZone };

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/**
 * Open at `at`? No hours (null/undefined) means always open. Throws RangeError on an unknown time zone
 * (check with isValidTimeZone when saving).
 */
export function isOpen(hours: Hours | null | undefined, at: Date): boolean {
  if (!hours) return true;
  const now = localClock(at, hours.timezone);
  const today = { date: now.date, weekday: now.weekday };
  const yesterday = shiftDay(now.date, -1);
  const closed = new Set(hours.holidays.map((h) => h.date));
  if (!closed.has(today.date)) {
    for (const [from, to] of hours.weekly[DAYS[today.weekday]!] ?? []) {
      const start = minutes(from);
      const end = minutes(to);
      // An end at or before the start runs past midnight: today it is open from the start on.
      if (end > start ? now.minutes >= start && now.minutes < end : now.minutes >= start) return true;
    }
  }
  if (!closed.has(yesterday.date)) {
    for (const [from, to] of hours.weekly[DAYS[yesterday.weekday]!] ?? []) {
      const start = minutes(from);
      const end = minutes(to);
      if (end <= start && now.minutes < end) return true;
    }
  }
  return false;
}

type LocalClock = { date: string; weekday: number; minutes: number };

function localClock(at: Date, timezone: string): LocalClock {
  const { year, month, day, hour, minute } = zonedParts(at, timezone);
  return {
    date: `${year}-${pad2(month)}-${pad2(day)}`,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    minutes: hour * 60 + minute,
  };
}

function shiftDay(date: string, days: number): { date: string; weekday: number } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return {
    date: `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`,
    weekday: t.getUTCDay(),
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}
