"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Report } from "@/lib/reports/schemas";
import { api } from "@/lib/client/api";
import { RatesChart, TimingChart, VolumeChart } from "./charts";
import { presetRange, presets, rangeProblem, type Preset } from "./dates";
import { ReportTable } from "./report-table";
import { minutesLabel, percent } from "./series";

const groups = [
  { value: "agent", label: "Agent" },
  { value: "team", label: "Team" },
  { value: "number", label: "Number" },
  { value: "label", label: "Label" },
  { value: "day", label: "Day" },
] as const;
type GroupBy = (typeof groups)[number]["value"];

const field =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600";

/** Supervisor reports: a date range, a grouping and business hours; charts, a table and a CSV export. */
export function ReportsPanel() {
  const [preset, setPreset] = useState<Preset>("7d");
  const [custom, setCustom] = useState(() => presetRange("7d", Date.now()));
  const [groupBy, setGroupBy] = useState<GroupBy>("agent");
  const [hoursId, setHoursId] = useState("");
  const range = preset === "custom" ? custom : presetRange(preset, Date.now());
  const problem = preset === "custom" ? rangeProblem(custom.from, custom.to) : null;
  const params = new URLSearchParams({ from: range.from, to: range.to, group_by: groupBy });
  if (hoursId) params.set("business_hours", hoursId);
  const qs = params.toString();

  const hours = useQuery({
    queryKey: ["business-hours"],
    queryFn: () => api<{ data: { id: string; name: string }[] }>("/api/v1/business-hours"),
  });
  const report = useQuery({
    queryKey: ["reports", qs],
    queryFn: () => api<Report>(`/api/v1/reports?${qs}`),
    enabled: problem === null,
    // Keep the last report on screen while the next range loads.
    placeholderData: keepPreviousData,
  });
  const data = report.data;

  return (
    <div className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-7xl space-y-6 p-6">
        <header className="flex flex-wrap items-end gap-3">
          <h1 className="mr-auto text-lg font-semibold">Reports</h1>
          <fieldset className="flex items-center gap-1" aria-label="Date range">
            {presets.map((p) => (
              <button
                key={p.value}
                type="button"
                aria-pressed={preset === p.value}
                data-testid={`range-${p.value}`}
                onClick={() => {
                  if (p.value === "custom") setCustom(range);
                  setPreset(p.value);
                }}
                className={`rounded-md border px-2.5 py-1.5 text-sm ${
                  preset === p.value
                    ? "border-emerald-700 bg-emerald-700 text-white"
                    : "border-slate-300 bg-white hover:bg-slate-50"
                }`}
              >
                {p.label}
              </button>
            ))}
          </fieldset>
          {preset === "custom" && (
            <span className="flex items-center gap-1 text-sm">
              <label className="sr-only" htmlFor="report-from">
                From
              </label>
              <input
                id="report-from"
                type="date"
                value={custom.from}
                max={custom.to}
                onChange={(e) => setCustom({ ...custom, from: e.target.value })}
                className={field}
              />
              <span aria-hidden>–</span>
              <label className="sr-only" htmlFor="report-to">
                To
              </label>
              <input
                id="report-to"
                type="date"
                value={custom.to}
                min={custom.from}
                onChange={(e) => setCustom({ ...custom, to: e.target.value })}
                className={field}
              />
            </span>
          )}
          <label className="flex flex-col text-xs text-slate-600">
            Group by
            <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)} className={field}>
              {groups.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-xs text-slate-600">
            Times in
            <select value={hoursId} onChange={(e) => setHoursId(e.target.value)} className={field}>
              <option value="">Wall-clock time</option>
              {(hours.data?.data ?? []).map((h) => (
                <option key={h.id} value={h.id}>
                  Business hours: {h.name}
                </option>
              ))}
            </select>
          </label>
          <a
            href={problem ? undefined : `/api/v1/reports/export?${qs}`}
            download
            aria-disabled={problem !== null}
            data-testid="report-export"
            className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 aria-disabled:pointer-events-none aria-disabled:opacity-50"
          >
            Export CSV
          </a>
        </header>

        {problem && <p className="text-sm text-red-700">{problem}</p>}
        {report.isPending && !problem && (
          <p data-testid="report-loading" className="text-sm text-slate-500">
            Loading the report…
          </p>
        )}
        {report.error && (
          <p className="text-sm text-red-700">Could not load the report: {report.error.message}</p>
        )}

        {data && (
          <div className={`space-y-6 ${report.isFetching ? "opacity-60" : ""}`} aria-busy={report.isFetching}>
            <Kpis report={data} />
            {data.overall.cycles === 0 && data.totals.inbound + data.totals.outbound === 0 ? (
              <p
                data-testid="report-empty"
                className="rounded border border-dashed bg-white p-6 text-sm text-slate-500"
              >
                Nothing happened in this range. Try a longer one.
              </p>
            ) : (
              <>
                <VolumeChart report={data} />
                <div className="grid gap-6 lg:grid-cols-2">
                  <TimingChart
                    title="First response time"
                    testId="chart-first-response"
                    rows={data.rows}
                    pick={(r) => r.first_response_minutes}
                  />
                  <TimingChart
                    title="Resolution time"
                    testId="chart-resolution"
                    rows={data.rows}
                    pick={(r) => r.resolution_minutes}
                  />
                </div>
                <RatesChart rows={data.rows} />
                <ReportTable report={data} />
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

function Kpis({ report }: { report: Report }) {
  const o = report.overall;
  const pct = (rate: number | null) => (rate === null ? "—" : `${percent(rate)}%`);
  const tiles = [
    {
      label: "Messages in / out",
      value: `${report.totals.inbound} / ${report.totals.outbound}`,
      id: "volume",
    },
    { label: "Work cycles", value: String(o.cycles), id: "cycles" },
    {
      label: "First response (median / p90)",
      value: `${minutesLabel(o.first_response_minutes.p50)} / ${minutesLabel(o.first_response_minutes.p90)}`,
      id: "frt",
    },
    {
      label: "Resolution (median / p90)",
      value: `${minutesLabel(o.resolution_minutes.p50)} / ${minutesLabel(o.resolution_minutes.p90)}`,
      id: "resolution",
    },
    { label: "Reopen rate", value: pct(o.reopen_rate), id: "reopen" },
    { label: "SLA compliance", value: pct(o.sla_compliance), id: "sla" },
    {
      label: "CSAT (avg of 3 / % great)",
      value: report.csat.overall.answered
        ? `${report.csat.overall.avg} / ${pct(report.csat.overall.positive_rate)}`
        : "—",
      id: "csat",
    },
    { label: "Bot containment", value: pct(report.bots.containment_rate), id: "containment" },
    { label: "Bot handoff rate", value: pct(report.bots.handoff_rate), id: "handoff" },
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 md:grid-cols-4">
      {tiles.map((t) => (
        <div key={t.id} className="rounded-lg border border-slate-200 bg-white p-3">
          <dt className="text-xs text-slate-500">{t.label}</dt>
          <dd data-testid={`kpi-${t.id}`} className="mt-1 text-lg font-semibold tabular-nums">
            {t.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
