"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import { fetchTeams } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import type { NumberDto } from "@/lib/numbers/schemas";
import { ConnectNumber } from "./numbers/connect-number";
import { NumberSettings } from "./numbers/number-settings";

const linkLabel: Record<NumberDto["coexistence_state"], { text: string; tone: string }> = {
  active: { text: "Connected", tone: "bg-emerald-100 text-emerald-800" },
  partner_removed: { text: "Disconnected", tone: "bg-red-100 text-red-800" },
  offboarded: { text: "Offboarded", tone: "bg-red-100 text-red-800" },
};

// What an admin does when the link is cut (PROTOCOL.md §5.5); the alert text names the specific reason.
const linkAdvice: Record<Exclude<NumberDto["coexistence_state"], "active">, string> = {
  partner_removed:
    "Meta removed this app's access to the number. Messages can no longer be sent or received here. Fix the cause below on the owner's phone, then connect the number again with Embedded Signup.",
  offboarded:
    "The number was offboarded from the Cloud API. Connect it again with Embedded Signup; history and contacts can then be synced once more within 24 hours.",
};

const historyLabel: Record<NumberDto["history"]["state"], string> = {
  not_started: "Not started",
  importing: "Importing",
  complete: "Complete",
  declined: "Not shared by the business",
};

// Meta cuts the link after ~14 days without the phone app; warn from day 11 so there is time to act.
const WARN_DAYS_LEFT = 3;

/** Business numbers with their Coexistence link and history import; number.changed nudges refetch it live. */
export function NumbersPanel({ canManage }: { canManage: boolean }) {
  const numbers = useQuery({
    queryKey: queryKeys.numbers,
    queryFn: () => api<{ data: NumberDto[] }>("/api/v1/numbers"),
  });
  const teams = useQuery({
    queryKey: queryKeys.teams,
    queryFn: fetchTeams,
    enabled: canManage,
    retry: false,
  });
  if (numbers.isPending) return <p className="p-6 text-sm text-slate-500">Loading numbers…</p>;
  if (numbers.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-700">
        Could not load numbers: {numbers.error.message}
      </p>
    );
  const rows = numbers.data.data;
  const teamList = teams.data ?? [];
  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Business numbers</h1>
      {rows.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">
          No numbers yet. {canManage ? "Connect one below." : "Ask an admin to connect one."}
        </p>
      )}
      <div className="mt-4 space-y-4">
        {rows.map((n) => (
          <NumberCard key={n.id} number={n} canManage={canManage} teams={teamList} />
        ))}
      </div>
      {canManage && <ConnectNumber teams={teamList} />}
    </div>
  );
}

function NumberCard({
  number: n,
  canManage,
  teams,
}: {
  number: NumberDto;
  canManage: boolean;
  teams: { id: string; name: string }[];
}) {
  const queryClient = useQueryClient();
  const resume = useMutation({
    mutationFn: () => api(`/api/v1/numbers/${n.id}/resume-sending`, { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.numbers }),
  });
  const team = teams.find((t) => t.id === n.default_team_id);
  const daysLeft = n.app_inactivity_days_left;
  const inactiveDays = n.last_app_activity_at
    ? Math.floor((Date.now() - new Date(n.last_app_activity_at).getTime()) / 86_400_000)
    : null;
  return (
    <section
      data-testid="number-card"
      data-number={n.display_number}
      aria-label={n.display_number}
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="flex items-center justify-between">
        <div>
          <h2 className="font-medium">{n.display_number}</h2>
          <p className="text-xs text-slate-500">
            Phone number id {n.phone_number_id} · WABA {n.waba_id} {n.coexistence ? "· Coexistence" : ""}
          </p>
        </div>
        <span
          data-testid="coexistence-state"
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${linkLabel[n.coexistence_state].tone}`}
        >
          {linkLabel[n.coexistence_state].text}
          {n.coexistence_reason ? ` · ${n.coexistence_reason}` : ""}
        </span>
      </div>
      {n.coexistence_state !== "active" && (
        <p
          role="alert"
          data-testid="link-advice"
          className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900"
        >
          {linkAdvice[n.coexistence_state]}
        </p>
      )}
      {n.alerts.map((alert) => (
        <p
          key={alert.id}
          role="status"
          className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {alert.message}
        </p>
      ))}
      {n.coexistence &&
        n.coexistence_state === "active" &&
        daysLeft !== null &&
        daysLeft <= WARN_DAYS_LEFT && (
          <p
            role="alert"
            data-testid="inactivity-warning"
            className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          >
            The WhatsApp Business app on the owner&apos;s phone was last used {inactiveDays} days ago. Open it
            on the phone within {daysLeft} day(s): after 14 days without it, Meta disconnects the number from
            Tandem.
          </p>
        )}
      {n.sending_paused && (
        <div role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
          Sending is paused: Meta refused this number&apos;s token or permissions. Store a new token below,
          then resume.
          {canManage && (
            <button
              type="button"
              onClick={() => resume.mutate()}
              disabled={resume.isPending}
              className="ml-2 rounded border border-red-300 px-2 py-0.5 text-xs font-medium"
            >
              Resume sending
            </button>
          )}
        </div>
      )}
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm lg:grid-cols-3">
        <div data-testid="app-activity">
          <dt className="text-xs text-slate-500">Owner&apos;s phone app</dt>
          <dd>
            {n.last_app_activity_at
              ? `Last active ${new Date(n.last_app_activity_at).toLocaleString()}`
              : "No activity seen yet"}
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
            {n.history.state === "declined" && (
              <span className="block text-xs text-slate-500">
                Past chats stay on the phone; new messages arrive here as usual.
              </span>
            )}
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
        <div data-testid="contact-sync">
          <dt className="text-xs text-slate-500">Contacts from the phone</dt>
          <dd>
            {n.contact_sync_at
              ? `Last synced ${new Date(n.contact_sync_at).toLocaleString()}`
              : n.coexistence
                ? "No address-book sync received yet"
                : "Not a Coexistence number"}
          </dd>
        </div>
        <div data-testid="throughput">
          <dt className="text-xs text-slate-500">Throughput</dt>
          <dd>
            {n.effective_send_rate} messages/s{n.send_rate_limit === null ? " (Meta's default)" : ""}
          </dd>
        </div>
        <div data-testid="default-team">
          <dt className="text-xs text-slate-500">Default team</dt>
          <dd>{n.default_team_id ? (team?.name ?? "A team") : "None"}</dd>
        </div>
        <div data-testid="bot">
          <dt className="text-xs text-slate-500">Bot</dt>
          <dd>
            {n.bot ? `${n.bot.name} (${n.bot.active ? "on" : "off"})` : "No bot"}
            {canManage && (
              <Link href={`/admin/bots/${n.id}`} className="ml-2 text-xs text-blue-700 underline">
                {n.bot ? "Edit bot" : "Set up a bot"}
              </Link>
            )}
          </dd>
        </div>
      </dl>
      {canManage && <NumberSettings number={n} teams={teams} />}
    </section>
  );
}
