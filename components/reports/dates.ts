// Date ranges for the reports page. Reports count whole UTC days (lib/reports), so presets are UTC too.

export type Preset = "today" | "7d" | "30d" | "custom";
export const presets: { value: Preset; label: string }[] = [
  { value: "today", label: "Today" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "custom", label: "Custom" },
];

const DAY = 86_400_000;

export function utcDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The inclusive range a preset stands for, ending today (UTC). */
export function presetRange(preset: Exclude<Preset, "custom">, now: number): { from: string; to: string } {
  const days = preset === "today" ? 1 : preset === "7d" ? 7 : 30;
  return { from: utcDay(now - (days - 1) * DAY), to: utcDay(now) };
}

/** Every day of an inclusive range, so a chart shows quiet days as zero instead of skipping them. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length <= 400; t += DAY) out.push(utcDay(t));
  return out;
}

/** Why a custom range cannot be asked for, or null when it can (the API says the same, with a 422). */
export function rangeProblem(from: string, to: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return "Pick both dates";
  if (to < from) return "The end is before the start";
  if ((Date.parse(to) - Date.parse(from)) / DAY + 1 > 400) return "At most 400 days";
  return null;
}
