"use client";

import type { Report, ReportRow } from "@/lib/reports/schemas";
import { minutesLabel, percent } from "./series";

const groupLabel: Record<string, string> = {
  agent: "Agent",
  team: "Team",
  number: "Number",
  label: "Label",
  day: "Day",
};

/** The figures per group, with the overall row (every cycle once) at the foot. */
export function ReportTable({ report }: { report: Report }) {
  return (
    <section
      aria-label="Figures per group"
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white"
    >
      <table data-testid="report-table" className="w-full text-sm">
        <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-3 py-2">{groupLabel[report.group_by] ?? report.group_by}</th>
            <th className="px-3 py-2 text-right">Cycles</th>
            <th className="px-3 py-2 text-right">First response median</th>
            <th className="px-3 py-2 text-right">First response p90</th>
            <th className="px-3 py-2 text-right">Resolution median</th>
            <th className="px-3 py-2 text-right">Resolution p90</th>
            <th className="px-3 py-2 text-right">Handle avg</th>
            <th className="px-3 py-2 text-right">Reopen rate</th>
            <th className="px-3 py-2 text-right">SLA compliance</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {report.rows.length === 0 && (
            <tr>
              <td colSpan={9} className="px-3 py-4 text-center text-slate-500">
                No work cycles started in this range.
              </td>
            </tr>
          )}
          {report.rows.map((r) => (
            <Row key={r.key ?? "none"} row={r} />
          ))}
        </tbody>
        <tfoot className="border-t border-slate-200 font-medium">
          <Row row={report.overall} />
        </tfoot>
      </table>
    </section>
  );
}

function Row({ row }: { row: ReportRow }) {
  const pct = (rate: number | null) => (rate === null ? "—" : `${percent(rate)}%`);
  return (
    <tr data-testid="report-row" data-name={row.name}>
      <td className="px-3 py-2">{row.name}</td>
      <td className="px-3 py-2 text-right tabular-nums">{row.cycles}</td>
      <td className="px-3 py-2 text-right tabular-nums">{minutesLabel(row.first_response_minutes.p50)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{minutesLabel(row.first_response_minutes.p90)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{minutesLabel(row.resolution_minutes.p50)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{minutesLabel(row.resolution_minutes.p90)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{minutesLabel(row.handle_minutes.avg)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{pct(row.reopen_rate)}</td>
      <td className="px-3 py-2 text-right tabular-nums">{pct(row.sla_compliance)}</td>
    </tr>
  );
}
