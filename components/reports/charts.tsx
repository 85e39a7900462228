"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Report, ReportRow, Stat } from "@/lib/reports/schemas";
import {
  inboundSources,
  minutesLabel,
  outboundSources,
  rateSeries,
  timingSeries,
  volumeSeries,
} from "./series";

function ChartCard({
  title,
  testId,
  empty,
  children,
}: {
  title: string;
  testId: string;
  empty: string | null;
  children: React.ReactNode;
}) {
  return (
    <section
      data-testid={testId}
      aria-label={title}
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 className="mb-3 text-sm font-semibold text-slate-700">{title}</h2>
      {empty ? (
        <p data-testid="chart-empty" className="flex h-56 items-center justify-center text-sm text-slate-500">
          {empty}
        </p>
      ) : (
        <div className="h-64">{children}</div>
      )}
    </section>
  );
}

/** Messages per day: inbound (customers) and outbound (agents, bots, campaigns, the phone app) side by side. */
export function VolumeChart({ report }: { report: Report }) {
  const data = volumeSeries(report);
  const total = report.totals.inbound + report.totals.outbound;
  return (
    <ChartCard
      title="Volume in and out by source"
      testId="chart-volume"
      empty={total === 0 ? "No messages in this range yet (volume is counted every minute)." : null}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {inboundSources.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={`${s.label} (in)`} stackId="in" fill={s.color} />
          ))}
          {outboundSources.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="out" fill={s.color} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** Median and p90 of one timing per group. */
export function TimingChart({
  title,
  testId,
  rows,
  pick,
}: {
  title: string;
  testId: string;
  rows: ReportRow[];
  pick: (row: ReportRow) => Stat;
}) {
  const data = timingSeries(rows, pick);
  return (
    <ChartCard title={title} testId={testId} empty={data.length === 0 ? "No figures in this range." : null}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" fontSize={11} interval={0} />
          <YAxis fontSize={11} tickFormatter={(m: number) => minutesLabel(m)} width={64} />
          <Tooltip formatter={(value) => minutesLabel(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="median" name="Median" fill="#0f766e" />
          <Bar dataKey="p90" name="p90" fill="#94a3b8" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** Reopen rate and SLA compliance per group, in percent. */
export function RatesChart({ rows }: { rows: ReportRow[] }) {
  const data = rateSeries(rows);
  return (
    <ChartCard
      title="Reopen rate and SLA compliance"
      testId="chart-rates"
      empty={data.length === 0 ? "No work cycles in this range." : null}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" fontSize={11} interval={0} />
          <YAxis domain={[0, 100]} fontSize={11} unit="%" />
          <Tooltip formatter={(value) => `${String(value)}%`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="reopen" name="Reopen rate" fill="#d97706" />
          <Bar dataKey="sla" name="SLA compliance" fill="#0f766e" />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
