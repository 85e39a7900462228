"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { buttonClass, ErrorNote, inputClass } from "@/components/admin/people/shared";
import {
  errorField,
  nameOf,
  useBusinessHours,
  useNumbers,
  useTeams,
} from "@/components/admin/routing/options";
import { adminKeys, type Option, type SlaPolicy } from "@/components/admin/routing/types";

type Draft = Omit<SlaPolicy, "id">;
type Lists = { teams: Option[]; numbers: Option[]; hours: Option[] };

const EMPTY: Draft = {
  name: "",
  team_id: null,
  number_id: null,
  first_response_minutes: 15,
  next_response_minutes: null,
  resolution_minutes: null,
  business_hours_id: null,
  active: true,
};

/** SLA policies per team and/or number: response and resolution targets, counted in business hours. */
export function SlaPanel() {
  const queryClient = useQueryClient();
  const policies = useQuery({
    queryKey: adminKeys.sla,
    queryFn: () => api<{ data: SlaPolicy[] }>("/api/v1/sla-policies").then((r) => r.data),
  });
  const teams = useTeams();
  const numbers = useNumbers();
  const hours = useBusinessHours();
  const lists: Lists = {
    teams: (teams.data ?? []).map((t) => ({ id: t.id, name: t.name })),
    numbers: numbers.data ?? [],
    hours: (hours.data ?? []).map((h) => ({ id: h.id, name: h.name })),
  };
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.sla });
  const save = useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: Draft }) =>
      api<SlaPolicy>(id ? `/api/v1/sla-policies/${id}` : "/api/v1/sla-policies", {
        method: id ? "PUT" : "POST",
        body: JSON.stringify(body),
      }),
    onSuccess: () => {
      setEditing(null);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/v1/sla-policies/${id}`, { method: "DELETE" }),
    onSettled: () => void refresh(),
  });
  const open = (id: string | null) => {
    save.reset();
    setEditing(id);
  };
  const list = policies.data ?? [];
  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="max-w-5xl">
        <div className="flex items-center justify-between">
          <h1 className="text-lg font-semibold">SLA policies</h1>
          {editing === null && (
            <button type="button" className={buttonClass()} onClick={() => open("new")}>
              Add SLA policy
            </button>
          )}
        </div>
        <p className="mt-1 text-sm text-slate-500">
          The most specific active policy applies to a conversation (team and number, then team, then number,
          then the workspace default). Minutes count only while its{" "}
          <Link href="/admin/hours" className="text-emerald-700 hover:underline">
            business hours
          </Link>{" "}
          are open; an owner&apos;s reply from the phone counts as a response.
        </p>
        {editing === "new" && (
          <PolicyForm
            initial={EMPTY}
            lists={lists}
            pending={save.isPending}
            error={save.error}
            onSubmit={(body) => save.mutate({ id: null, body })}
            onCancel={() => setEditing(null)}
          />
        )}
        <ErrorNote error={policies.error ?? remove.error} />
        {policies.isPending && <p className="mt-3 text-sm text-slate-500">Loading…</p>}
        {policies.data && list.length === 0 && editing !== "new" && (
          <p className="mt-3 rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500">
            No SLA policies yet: conversations have no response or resolution deadlines.
          </p>
        )}
        {list.length > 0 && (
          <table className="mt-4 w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
                <th className="py-2 font-medium">Policy</th>
                <th className="py-2 font-medium">Applies to</th>
                <th className="py-2 font-medium">First response</th>
                <th className="py-2 font-medium">Next response</th>
                <th className="py-2 font-medium">Resolution</th>
                <th className="py-2 font-medium">Hours</th>
                <th className="py-2" />
              </tr>
            </thead>
            <tbody>
              {list.map((p) =>
                editing === p.id ? (
                  <tr key={p.id}>
                    <td colSpan={7}>
                      <PolicyForm
                        initial={p}
                        lists={lists}
                        pending={save.isPending}
                        error={save.error}
                        onSubmit={(body) => save.mutate({ id: p.id, body })}
                        onCancel={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr
                    key={p.id}
                    className={`border-b border-slate-100 ${p.active ? "" : "opacity-60"}`}
                    data-testid="sla-policy"
                  >
                    <td className="py-2 font-medium">
                      {p.name}
                      {!p.active && <span className="ml-1 text-xs font-normal text-slate-500">(off)</span>}
                    </td>
                    <td className="py-2 text-slate-600">
                      {nameOf(lists.teams, p.team_id, "Any team")} ·{" "}
                      {nameOf(lists.numbers, p.number_id, "any number")}
                    </td>
                    <td className="py-2 tabular-nums">{minutes(p.first_response_minutes)}</td>
                    <td className="py-2 tabular-nums">{minutes(p.next_response_minutes)}</td>
                    <td className="py-2 tabular-nums">{minutes(p.resolution_minutes)}</td>
                    <td className="py-2 text-slate-600">
                      {nameOf(lists.hours, p.business_hours_id, "24/7")}
                    </td>
                    <td className="py-2 text-right">
                      <button
                        type="button"
                        className={buttonClass("secondary")}
                        aria-label={`Edit ${p.name}`}
                        onClick={() => open(p.id)}
                      >
                        Edit
                      </button>{" "}
                      <button
                        type="button"
                        className={buttonClass("danger")}
                        aria-label={`Delete ${p.name}`}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Delete the SLA policy "${p.name}"?`)) remove.mutate(p.id);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

function PolicyForm({
  initial,
  lists,
  pending,
  error,
  onSubmit,
  onCancel,
}: {
  initial: Draft;
  lists: Lists;
  pending: boolean;
  error: unknown;
  onSubmit: (body: Draft) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>({
    name: initial.name,
    team_id: initial.team_id,
    number_id: initial.number_id,
    first_response_minutes: initial.first_response_minutes,
    next_response_minutes: initial.next_response_minutes,
    resolution_minutes: initial.resolution_minutes,
    business_hours_id: initial.business_hours_id,
    active: initial.active,
  });
  const bad = errorField(error);
  const select = (
    label: string,
    key: "team_id" | "number_id" | "business_hours_id",
    options: Option[],
    none: string,
  ) => (
    <label className="space-y-1 text-xs font-medium text-slate-600">
      <span className="block">{label}</span>
      <select
        aria-label={label}
        aria-invalid={bad === key || undefined}
        className={inputClass}
        value={draft[key] ?? ""}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value || null })}
      >
        <option value="">{none}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
  const target = (
    label: string,
    key: "first_response_minutes" | "next_response_minutes" | "resolution_minutes",
  ) => (
    <label className="space-y-1 text-xs font-medium text-slate-600">
      <span className="block">
        {label} <span className="font-normal text-slate-400">minutes, empty = none</span>
      </span>
      <input
        type="number"
        min={1}
        aria-label={`${label} (minutes)`}
        aria-invalid={bad === key || undefined}
        className={inputClass}
        value={draft[key] ?? ""}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value === "" ? null : Number(e.target.value) })}
      />
    </label>
  );
  return (
    <form
      className="my-3 space-y-3 rounded-lg border border-emerald-200 bg-emerald-50/40 p-4"
      aria-label="SLA policy form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(draft);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="space-y-1 text-xs font-medium text-slate-600">
          <span className="block">Name</span>
          <input
            aria-label="Policy name"
            aria-invalid={bad === "name" || undefined}
            className={inputClass}
            value={draft.name}
            placeholder="e.g. Support, office hours"
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        {select("Team", "team_id", lists.teams, "Any team")}
        {select("Number", "number_id", lists.numbers, "Any number")}
        {target("First response", "first_response_minutes")}
        {target("Next response", "next_response_minutes")}
        {target("Resolution", "resolution_minutes")}
        {select("Business hours", "business_hours_id", lists.hours, "24/7 (every minute counts)")}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={draft.active}
          onChange={(e) => setDraft({ ...draft, active: e.target.checked })}
        />
        Active
      </label>
      <ErrorNote error={error} />
      <div className="flex gap-2">
        <button type="submit" className={buttonClass()} disabled={pending}>
          Save policy
        </button>
        <button type="button" className={buttonClass("ghost")} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function minutes(value: number | null): string {
  if (value === null) return "—";
  if (value % 1440 === 0) return `${value / 1440} d`;
  if (value % 60 === 0) return `${value / 60} h`;
  return `${value} min`;
}
