import type { Report, ReportRow, Stat } from "@/lib/reports/schemas";
import { daysOf } from "./dates";

// Chart-ready series from the report API's shape. History imports are excluded by the API already.

export const inboundSources = [{ key: "customer", label: "Customer", color: "#0f766e" }] as const;
export const outboundSources = [
  { key: "agent", label: "Agent", color: "#2563eb" },
  { key: "bot", label: "Bot", color: "#7c3aed" },
  { key: "campaign", label: "Campaign", color: "#d97706" },
  { key: "business_app", label: "Phone app", color: "#db2777" },
] as const;

export type VolumePoint = { day: string } & Record<string, number | string>;

/** One point per day of the range (quiet days are zero), a count per source. */
export function volumeSeries(report: Pick<Report, "from" | "to" | "volume">): VolumePoint[] {
  const points = new Map<string, VolumePoint>(
    daysOf(report.from, report.to).map((day) => [
      day,
      { day, ...Object.fromEntries([...inboundSources, ...outboundSources].map((s) => [s.key, 0])) },
    ]),
  );
  for (const v of report.volume) {
    const point = points.get(v.day);
    if (point && v.source in point) point[v.source] = Number(point[v.source]) + v.count;
  }
  return [...points.values()];
}

/** Median and p90 of one timing per group, for a grouped bar chart; groups without a value are left out. */
export function timingSeries(rows: ReportRow[], pick: (row: ReportRow) => Stat) {
  return rows
    .filter((r) => pick(r).n > 0)
    .map((r) => ({ name: r.name, median: pick(r).p50 ?? 0, p90: pick(r).p90 ?? 0 }));
}

/** Reopen rate and SLA compliance per group, in percent. */
export function rateSeries(rows: ReportRow[]) {
  return rows.map((r) => ({
    name: r.name,
    reopen: percent(r.reopen_rate),
    sla: percent(r.sla_compliance),
  }));
}

export function percent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

/** Minutes as a person reads a duration: "42s", "12.5 min", "3.2 h", "1.5 d". */
export function minutesLabel(minutes: number | null): string {
  if (minutes === null) return "—";
  if (minutes < 1) return `${Math.round(minutes * 60)}s`;
  if (minutes < 60) return `${Math.round(minutes * 10) / 10} min`;
  if (minutes < 60 * 24) return `${Math.round((minutes / 60) * 10) / 10} h`;
  return `${Math.round((minutes / 1440) * 10) / 10} d`;
}
