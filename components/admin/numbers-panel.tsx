"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { NumberDto } from "@/lib/numbers/schemas";

const linkLabel: Record<NumberDto["coexistence_state"], { text: string; tone: string }> = {
  active: { text: "Connected", tone: "bg-emerald-100 text-emerald-800" },
  partner_removed: { text: "Disconnected", tone: "bg-red-100 text-red-800" },
  offboarded: { text: "Offboarded", tone: "bg-red-100 text-red-800" },
};

const historyLabel: Record<NumberDto["history"]["state"], string> = {
  not_started: "Not started",
  importing: "Importing",
  complete: "Complete",
  declined: "Not shared by the business",
};

/** Business numbers with their Coexistence link and history import, updated live over the socket. */
export function NumbersPanel() {
  const numbers = useQuery({
    queryKey: queryKeys.numbers,
    queryFn: () => api<{ data: NumberDto[] }>("/api/v1/numbers"),
  });
  if (numbers.isPending) return <p className="p-6 text-sm text-slate-500">Loading numbers…</p>;
  if (numbers.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-700">
        Could not load numbers: {numbers.error.message}
      </p>
    );
  const rows = numbers.data.data;
  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Business numbers</h1>
      {rows.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">
          No numbers yet. Add one with <code>npm run tandem -- numbers:add</code>.
        </p>
      )}
      <div className="mt-4 space-y-4">
        {rows.map((n) => (
          <section
            key={n.id}
            data-testid="number-card"
            className="rounded-lg border border-slate-200 bg-white p-4"
          >
            <div className="flex items-center justify-between">
              <div>
                <h2 className="font-medium">{n.display_number}</h2>
                <p className="text-xs text-slate-500">
                  Phone number id {n.phone_number_id} · WABA {n.waba_id}{" "}
                  {n.coexistence ? "· Coexistence" : ""}
                </p>
              </div>
              <span
                className={`rounded-full px-2 py-0.5 text-xs font-medium ${linkLabel[n.coexistence_state].tone}`}
              >
                {linkLabel[n.coexistence_state].text}
                {n.coexistence_reason ? ` · ${n.coexistence_reason}` : ""}
              </span>
            </div>
            {n.alerts.map((alert) => (
              <p
                key={alert.id}
                role="status"
                className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
              >
                {alert.message}
              </p>
            ))}
            <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
              <div>
                <dt className="text-xs text-slate-500">Owner&apos;s phone app</dt>
                <dd>
                  {n.last_app_activity_at
                    ? `Last active ${new Date(n.last_app_activity_at).toLocaleString()}`
                    : "No activity seen yet"}
                  {n.app_inactivity_days_left !== null && n.app_inactivity_days_left <= 2 && (
                    <span className="ml-2 text-red-700">
                      Open WhatsApp Business on the phone within {n.app_inactivity_days_left} day(s) or the
                      link drops
                    </span>
                  )}
                </dd>
              </div>
              <div data-testid="history-progress">
                <dt className="text-xs text-slate-500">History import</dt>
                <dd>
                  {historyLabel[n.history.state]}
                  {n.history.state === "importing" || n.history.state === "complete"
                    ? ` · ${n.history.progress}%`
                    : ""}
                  {n.history.phase !== null ? ` · phase ${n.history.phase}` : ""}
                  <span className="block text-xs text-slate-500">
                    {n.history.counts.messages} messages in {n.history.counts.threads} threads
                    {n.history.counts.duplicates ? `, ${n.history.counts.duplicates} already present` : ""}
                  </span>
                  {n.history.state === "importing" && (
                    <span className="mt-1 block h-1.5 w-full rounded bg-slate-100">
                      <span
                        className="block h-1.5 rounded bg-emerald-600"
                        style={{ width: `${n.history.progress}%` }}
                      />
                    </span>
                  )}
                </dd>
              </div>
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
