// The snooze menu's choices, computed from "now" in the agent's time zone.

export type SnoozeChoice = { id: string; label: string; until: string | null };

/** 1 hour, tomorrow 9:00, next Monday 9:00, and "until the customer replies" (until: null). */
export function snoozeChoices(now: Date = new Date()): SnoozeChoice[] {
  const hour = new Date(now.getTime() + 3_600_000);
  const tomorrow = atNine(now, 1);
  // Next week: the coming Monday (a week on when today is Monday).
  const daysToMonday = (8 - now.getDay()) % 7 || 7;
  const nextWeek = atNine(now, daysToMonday);
  return [
    { id: "hour", label: "In 1 hour", until: hour.toISOString() },
    { id: "tomorrow", label: "Tomorrow, 9:00", until: tomorrow.toISOString() },
    { id: "next-week", label: "Next week (Mon 9:00)", until: nextWeek.toISOString() },
    { id: "reply", label: "Until the customer replies", until: null },
  ];
}

/** A datetime-local value ("2025-07-01T09:30") as an ISO instant, or null when it is empty, invalid or past. */
export function customSnooze(value: string, now: Date = new Date()): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getTime() <= now.getTime()) return null;
  return date.toISOString();
}

function atNine(now: Date, days: number): Date {
  const date = new Date(now);
  date.setDate(date.getDate() + days);
  date.setHours(9, 0, 0, 0);
  return date;
}
