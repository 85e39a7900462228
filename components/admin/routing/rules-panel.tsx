"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { buttonClass, ErrorNote } from "@/components/admin/people/shared";
import { useBusinessHours, useLabels, useNumbers, useTeams } from "./options";
import { describeConditions, RuleForm } from "./rule-form";
import { adminKeys, type RoutingRule, type RuleBody } from "./types";

/**
 * The ordered routing rules: a handed-off conversation goes to the team of the first active rule whose
 * conditions all hold, else to its number's default team.
 */
export function RulesPanel() {
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: adminKeys.rules,
    queryFn: () => api<{ data: RoutingRule[] }>("/api/v1/routing-rules").then((r) => r.data),
  });
  const teams = useTeams();
  const numbers = useNumbers();
  const labels = useLabels();
  const hours = useBusinessHours();
  const lists = {
    teams: (teams.data ?? []).map((t) => ({ id: t.id, name: t.name })),
    numbers: numbers.data ?? [],
    labels: labels.data ?? [],
    hours: hours.data ?? [],
  };
  // null: no form open; "new": the add form; otherwise the id of the rule being edited.
  const [editing, setEditing] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.rules });
  const save = useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: RuleBody }) =>
      api<RoutingRule>(id ? `/api/v1/routing-rules/${id}` : "/api/v1/routing-rules", {
        method: id ? "PUT" : "POST",
        body: JSON.stringify(body),
      }),
    onSuccess: () => {
      setEditing(null);
      void refresh();
    },
  });
  const change = useMutation({
    mutationFn: (req: { path: string; method: string; body?: unknown }) =>
      api(req.path, { method: req.method, ...(req.body ? { body: JSON.stringify(req.body) } : {}) }),
    onSettled: () => void refresh(),
  });
  const list = rules.data ?? [];

  function move(index: number, by: -1 | 1) {
    const ids = list.map((r) => r.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    // Shown at once; the server's order replaces it when the call returns.
    queryClient.setQueryData<RoutingRule[]>(
      adminKeys.rules,
      ids.map((i) => list.find((r) => r.id === i)!),
    );
    change.mutate({ path: "/api/v1/routing-rules/reorder", method: "POST", body: { ids } });
  }

  return (
    <section className="mt-8" aria-labelledby="rules-heading">
      <div className="flex items-center justify-between">
        <h2 id="rules-heading" className="text-base font-semibold">
          Routing rules
        </h2>
        {editing === null && (
          <button
            type="button"
            className={buttonClass()}
            onClick={() => {
              save.reset();
              setEditing("new");
            }}
          >
            Add rule
          </button>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-500">
        When a bot hands a conversation off, the first active rule whose conditions all hold picks the team.
        If none does, the conversation goes to its number&apos;s default team.
      </p>
      {editing === "new" && (
        <RuleForm
          lists={lists}
          pending={save.isPending}
          error={save.error}
          onSubmit={(body) => save.mutate({ id: null, body })}
          onCancel={() => setEditing(null)}
        />
      )}
      <ErrorNote error={rules.error ?? change.error} />
      {rules.isPending && <p className="mt-3 text-sm text-slate-500">Loading rules…</p>}
      {rules.data && list.length === 0 && editing !== "new" && (
        <p className="mt-3 rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500">
          No routing rules yet: every handoff goes to its number&apos;s default team. Add a rule to send, say,
          Spanish speakers or refund requests to a particular team.
        </p>
      )}
      <ol className="mt-3 space-y-2">
        {list.map((rule, index) =>
          editing === rule.id ? (
            <li key={rule.id}>
              <RuleForm
                rule={rule}
                lists={lists}
                pending={save.isPending}
                error={save.error}
                onSubmit={(body) => save.mutate({ id: rule.id, body })}
                onCancel={() => setEditing(null)}
              />
            </li>
          ) : (
            <li
              key={rule.id}
              className={`flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm ${
                rule.active ? "" : "opacity-60"
              }`}
              data-testid="routing-rule"
            >
              <span className="w-6 text-right tabular-nums text-slate-400">{index + 1}.</span>
              <div className="min-w-0 flex-1">
                <p className="font-medium" data-testid="rule-name">
                  {rule.name}
                  {!rule.active && <span className="ml-2 text-xs font-normal text-slate-500">(off)</span>}
                </p>
                <p className="text-slate-600">
                  If {describeConditions(rule.conditions, lists).join(" and ")} →{" "}
                  <span className="font-medium text-emerald-800" data-testid="rule-team">
                    {rule.team_name}
                  </span>
                </p>
              </div>
              <div className="flex items-center gap-1">
                <button
                  type="button"
                  className={buttonClass("ghost")}
                  aria-label={`Move ${rule.name} up`}
                  disabled={index === 0 || change.isPending}
                  onClick={() => move(index, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className={buttonClass("ghost")}
                  aria-label={`Move ${rule.name} down`}
                  disabled={index === list.length - 1 || change.isPending}
                  onClick={() => move(index, 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  aria-label={`Edit ${rule.name}`}
                  onClick={() => {
                    save.reset();
                    setEditing(rule.id);
                  }}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className={buttonClass("danger")}
                  aria-label={`Delete ${rule.name}`}
                  disabled={change.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete the rule "${rule.name}"?`))
                      change.mutate({ path: `/api/v1/routing-rules/${rule.id}`, method: "DELETE" });
                  }}
                >
                  Delete
                </button>
              </div>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}
