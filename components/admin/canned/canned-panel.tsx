"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api } from "@/lib/client/api";
import { fetchCanned, type CannedResponse } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import { fillCanned } from "@/components/inbox/canned";
import { ErrorNote, buttonClass, errorText, formatWhen, inputClass } from "../people/shared";

// The variables the composer fills in (components/inbox/canned.ts), offered as one-click inserts.
const VARIABLES = ["contact.name", "contact.first_name", "agent.name"] as const;
const SAMPLE_CONTACT = "Maria Garcia";

type Draft = { shortcut: string; title: string; body: string; scope: "shared" | "personal" };
const EMPTY: Draft = { shortcut: "", title: "", body: "", scope: "personal" };

/** Canned responses: the user's own and (with canned:manage) the shared ones, with a live preview. */
export function CannedPanel({ canManageShared, agentName }: { canManageShared: boolean; agentName: string }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>({ ...EMPTY, scope: canManageShared ? "shared" : "personal" });
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const [search, setSearch] = useState("");
  const [scopeFilter, setScopeFilter] = useState<"all" | "shared" | "personal">("all");
  const body = useRef<HTMLTextAreaElement>(null);
  const list = useQuery({ queryKey: queryKeys.canned, queryFn: fetchCanned });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.canned });
  const reset = () => {
    setEditing(null);
    setDraft({ ...EMPTY, scope: canManageShared ? "shared" : "personal" });
  };
  const save = useMutation({
    mutationFn: () =>
      editing
        ? api<CannedResponse>(`/api/v1/canned-responses/${editing.id}`, {
            method: "PATCH",
            body: JSON.stringify({ shortcut: draft.shortcut, title: draft.title, body: draft.body }),
          })
        : api<CannedResponse>("/api/v1/canned-responses", { method: "POST", body: JSON.stringify(draft) }),
    onSuccess: () => {
      reset();
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/v1/canned-responses/${id}`, { method: "DELETE" }),
    onSuccess: (_r, id) => {
      if (editing?.id === id) reset();
      void refresh();
    },
  });

  function insertVariable(name: string) {
    const token = `{{${name}}}`;
    const el = body.current;
    const start = el?.selectionStart ?? draft.body.length;
    const end = el?.selectionEnd ?? draft.body.length;
    setDraft((d) => ({ ...d, body: d.body.slice(0, start) + token + d.body.slice(end) }));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  }

  const q = search.trim().toLowerCase();
  const shown = (list.data ?? []).filter(
    (c) =>
      (scopeFilter === "all" || c.scope === scopeFilter) &&
      (!q || [c.shortcut, c.title, c.body].some((s) => s.toLowerCase().includes(q))),
  );
  const mayEdit = (c: CannedResponse) => c.scope === "personal" || canManageShared;

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Canned responses</h1>
      <p className="mt-1 text-sm text-slate-600">
        Agents type <code>/shortcut</code> in the composer to insert one. Variables are filled in from the
        conversation when inserted.
      </p>
      <form
        aria-label={editing ? "Edit canned response" : "Create canned response"}
        className="mt-4 grid max-w-4xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="grid gap-3">
          <label className="text-sm">
            Shortcut
            <div className="flex items-center gap-1">
              <span className="text-slate-500">/</span>
              <input
                className={inputClass}
                value={draft.shortcut}
                onChange={(e) => setDraft({ ...draft, shortcut: e.target.value })}
                title="1–32 letters, digits, - or _"
                required
              />
            </div>
          </label>
          <label className="text-sm">
            Title
            <input
              className={inputClass}
              value={draft.title}
              maxLength={80}
              onChange={(e) => setDraft({ ...draft, title: e.target.value })}
              required
            />
          </label>
          <label className="text-sm">
            Visible to
            <select
              className={inputClass}
              value={draft.scope}
              disabled={Boolean(editing)}
              onChange={(e) => setDraft({ ...draft, scope: e.target.value as Draft["scope"] })}
            >
              <option value="personal">Only me (personal)</option>
              {canManageShared && <option value="shared">Everyone (shared)</option>}
            </select>
          </label>
        </div>
        <div className="grid gap-2">
          <label className="text-sm">
            Body
            <textarea
              ref={body}
              className={`${inputClass} h-28 font-mono`}
              value={draft.body}
              maxLength={4096}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
              required
            />
          </label>
          <div className="flex flex-wrap items-center gap-1 text-xs">
            <span className="text-slate-500">Insert:</span>
            {VARIABLES.map((v) => (
              <button
                key={v}
                type="button"
                className="rounded border border-slate-300 px-1.5 py-0.5 font-mono hover:bg-slate-50"
                onClick={() => insertVariable(v)}
              >
                {`{{${v}}}`}
              </button>
            ))}
          </div>
          <div className="text-sm" aria-label="Preview">
            <p className="text-xs text-slate-500">
              Preview for {SAMPLE_CONTACT}, sent by {agentName}
            </p>
            <p
              data-testid="canned-preview"
              className="mt-1 min-h-10 whitespace-pre-wrap rounded-md bg-emerald-50 px-3 py-2 text-slate-800"
            >
              {draft.body ? fillCanned(draft.body, { contactName: SAMPLE_CONTACT, agentName }) : "—"}
            </p>
          </div>
        </div>
        <div className="flex gap-2 md:col-span-2">
          <button type="submit" className={buttonClass()} disabled={save.isPending}>
            {editing ? "Save changes" : "Create response"}
          </button>
          {editing && (
            <button type="button" className={buttonClass("ghost")} onClick={reset}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <ErrorNote error={save.error} />

      <div className="mt-6 flex max-w-4xl items-center gap-3">
        <input
          className={`${inputClass} max-w-xs`}
          placeholder="Search shortcut, title or text"
          aria-label="Search canned responses"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <select
          className={`${inputClass} max-w-40`}
          aria-label="Scope"
          value={scopeFilter}
          onChange={(e) => setScopeFilter(e.target.value as typeof scopeFilter)}
        >
          <option value="all">All</option>
          <option value="shared">Shared</option>
          <option value="personal">Personal</option>
        </select>
      </div>
      <ErrorNote error={list.error} />
      {list.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {list.data && shown.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">
          {list.data.length === 0 ? "No canned responses yet." : "Nothing matches."}
        </p>
      )}
      {shown.length > 0 && (
        <table className="mt-3 w-full max-w-5xl border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Shortcut</th>
              <th className="py-2 pr-3">Title</th>
              <th className="py-2 pr-3">Text</th>
              <th className="py-2 pr-3">Scope</th>
              <th className="py-2 pr-3">Updated</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.id} className="border-b border-slate-100 align-top" data-testid="canned-row">
                <td className="py-2 pr-3 font-mono">/{c.shortcut}</td>
                <td className="py-2 pr-3">{c.title}</td>
                <td className="max-w-md truncate py-2 pr-3 text-slate-600" title={c.body}>
                  {c.body}
                </td>
                <td className="py-2 pr-3">{c.scope}</td>
                <td className="py-2 pr-3 text-xs">{formatWhen(c.updated_at)}</td>
                <td className="whitespace-nowrap py-2">
                  {mayEdit(c) && (
                    <>
                      <button
                        type="button"
                        className={buttonClass("ghost")}
                        onClick={() => {
                          setEditing(c);
                          setDraft({ shortcut: c.shortcut, title: c.title, body: c.body, scope: c.scope });
                        }}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className={buttonClass("danger")}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Delete /${c.shortcut}?`)) remove.mutate(c.id);
                        }}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorText(remove.error)}
        </p>
      )}
    </div>
  );
}
