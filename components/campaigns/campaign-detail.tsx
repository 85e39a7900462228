"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { CampaignDto, CampaignEstimate, CampaignReport } from "@/lib/campaigns/schemas";
import { EstimateCard } from "./estimate-card";
import { badge, percent, progressParts, skipReasonLabel, stateTone } from "./labels";
import { ProgressBar } from "./progress-bar";

const button =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60";

/** One campaign: live progress, the controls its state allows, and the report. */
export function CampaignDetail({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const campaign = useQuery({
    queryKey: queryKeys.campaigns.one(id),
    queryFn: () => api<CampaignDto>(`/api/v1/campaigns/${id}`),
    // Socket events move it; polling is the fallback while it is sending (a missed nudge costs seconds).
    refetchInterval: (query) =>
      query.state.data?.state === "running" || query.state.data?.state === "scheduled" ? 5_000 : false,
  });
  const report = useQuery({
    queryKey: [...queryKeys.campaigns.one(id), "report"],
    queryFn: () => api<CampaignReport>(`/api/v1/campaigns/${id}/report`),
    enabled: Boolean(campaign.data && campaign.data.state !== "draft" && campaign.data.state !== "scheduled"),
  });
  const estimate = useQuery({
    queryKey: ["campaign-estimate", "saved", id],
    queryFn: () => api<CampaignEstimate>(`/api/v1/campaigns/${id}/estimate`),
    enabled: campaign.data?.state === "draft" || campaign.data?.state === "scheduled",
  });
  const act = useMutation({
    mutationFn: (verb: "start" | "pause" | "resume" | "cancel") =>
      api<CampaignDto>(`/api/v1/campaigns/${id}/${verb}`, { method: "POST", body: "{}" }),
    onSuccess: (updated) => {
      setConfirmCancel(false);
      queryClient.setQueryData(queryKeys.campaigns.one(id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.campaigns.all });
    },
  });

  if (campaign.isPending) return <p className="text-sm text-slate-500">Loading campaign…</p>;
  if (campaign.error)
    return <p className="text-sm text-red-700">Could not load the campaign: {campaign.error.message}</p>;
  const c = campaign.data;
  const p = c.progress;
  const open = c.state !== "completed" && c.state !== "cancelled";
  return (
    <div data-testid="campaign-detail" data-state={c.state} className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 className="text-lg font-semibold">{c.name}</h2>
          <p className="text-xs text-slate-500">
            {c.template.name} ({c.template.category?.toLowerCase()}) · from {c.number.display_number} ·
            created {new Date(c.created_at).toLocaleString()}
            {c.scheduled_at &&
              c.state === "scheduled" &&
              ` · starts ${new Date(c.scheduled_at).toLocaleString()}`}
          </p>
        </div>
        <span data-testid="campaign-state" className={`${badge} ${stateTone[c.state]}`}>
          {c.state}
        </span>
      </div>

      <div className="flex flex-wrap gap-2">
        {c.state === "draft" && (
          <button
            type="button"
            data-testid="campaign-start"
            className={button}
            onClick={() => act.mutate("start")}
          >
            Start now
          </button>
        )}
        {(c.state === "running" || c.state === "scheduled") && (
          <button
            type="button"
            data-testid="campaign-pause"
            className={button}
            onClick={() => act.mutate("pause")}
          >
            Pause
          </button>
        )}
        {c.state === "paused" && (
          <button
            type="button"
            data-testid="campaign-resume"
            className={button}
            onClick={() => act.mutate("resume")}
          >
            Resume
          </button>
        )}
        {open && !confirmCancel && (
          <button
            type="button"
            data-testid="campaign-cancel"
            className={`${button} text-red-700`}
            onClick={() => setConfirmCancel(true)}
          >
            Cancel campaign
          </button>
        )}
        {open && confirmCancel && (
          <span className="flex items-center gap-2 text-sm">
            Recipients not sent yet will be skipped.
            <button
              type="button"
              data-testid="campaign-cancel-confirm"
              className={`${button} border-red-300 text-red-700`}
              onClick={() => act.mutate("cancel")}
            >
              Cancel it
            </button>
            <button type="button" className={button} onClick={() => setConfirmCancel(false)}>
              Keep going
            </button>
          </span>
        )}
        {act.error && (
          <p data-testid="campaign-action-error" className="text-sm text-red-700">
            {act.error.message}
          </p>
        )}
      </div>

      <section className="space-y-2">
        <ProgressBar progress={p} />
        <dl data-testid="campaign-progress" className="grid grid-cols-4 gap-2 text-sm sm:grid-cols-8">
          {progressParts.map((part) => (
            <div key={part.key}>
              <dt className="flex items-center gap-1 text-xs text-slate-500">
                <span className={`inline-block h-2 w-2 rounded-full ${part.tone}`} />
                {part.label}
              </dt>
              <dd data-testid={`count-${part.key}`} className="font-semibold">
                {p[part.key]}
              </dd>
            </div>
          ))}
        </dl>
        <p className="text-xs text-slate-500">
          {p.total} recipients
          {Object.entries(p.skipped_by_reason).length > 0 &&
            ` · skipped: ${Object.entries(p.skipped_by_reason)
              .map(([reason, n]) => `${n} ${skipReasonLabel[reason] ?? reason}`)
              .join(", ")}`}
          {c.state === "draft" && " · recipients are chosen when it starts"}
        </p>
      </section>

      {estimate.data && (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h3 className="mb-2 text-sm font-semibold">Estimate</h3>
          <EstimateCard estimate={estimate.data} loading={estimate.isFetching} />
        </section>
      )}

      {report.data && (
        <section
          data-testid="campaign-report"
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
        >
          <h3 className="text-sm font-semibold">Report</h3>
          <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            {(
              [
                ["delivered", "Delivered"],
                ["read", "Read"],
                ["replied", "Replied"],
                ["failed", "Failed"],
              ] as const
            ).map(([key, text]) => (
              <div key={key}>
                <dt className="text-xs text-slate-500">{text}</dt>
                <dd data-testid={`rate-${key}`} className="text-lg font-semibold">
                  {percent(report.data.rates[key])}
                </dd>
              </div>
            ))}
          </dl>
          <p className="text-xs text-slate-500">
            Rates are shares of the {report.data.attempted} recipients a message was queued for. Meta reported{" "}
            {report.data.billable_reported} billable so far; the estimate for them was{" "}
            {report.data.estimate.currency} {report.data.estimate.total.toFixed(4)} (rates as of{" "}
            {report.data.estimate.rates_as_of}).
          </p>
          {report.data.failures.length > 0 && (
            <table data-testid="report-failures" className="w-full text-left text-xs">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1 font-normal">Error</th>
                  <th className="py-1 font-normal">What it means</th>
                  <th className="py-1 text-right font-normal">Recipients</th>
                </tr>
              </thead>
              <tbody>
                {report.data.failures.map((f) => (
                  <tr key={f.code} className="border-t border-slate-100 align-top">
                    <td className="py-1 font-mono">{f.code}</td>
                    <td className="py-1">
                      <span className="font-medium">{f.title}</span> {f.hint}
                    </td>
                    <td className="py-1 text-right">{f.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.data.by_country.length > 0 && (
            <table className="w-full text-left text-xs">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1 font-normal">Country</th>
                  <th className="py-1 font-normal">Recipients</th>
                  <th className="py-1 font-normal">Delivered</th>
                  <th className="py-1 font-normal">Failed</th>
                </tr>
              </thead>
              <tbody>
                {report.data.by_country.map((row) => (
                  <tr key={row.country} className="border-t border-slate-100">
                    <td className="py-1">{row.country}</td>
                    <td className="py-1">{row.recipients}</td>
                    <td className="py-1">{row.delivered}</td>
                    <td className="py-1">{row.failed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
