"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { fetchLabels, type Label } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import { ErrorNote, buttonClass, errorText, inputClass } from "../people/shared";

type Draft = { name: string; color: string; description: string };
const EMPTY: Draft = { name: "", color: "#2563eb", description: "" };

/** The label catalogue: name, colour and description; deleting one takes it off every conversation. */
export function LabelsPanel() {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const labels = useQuery({ queryKey: queryKeys.labels, queryFn: fetchLabels });
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.labels });
  const reset = () => {
    setEditing(null);
    setDraft(EMPTY);
  };
  const save = useMutation({
    mutationFn: () =>
      api<Label>(editing ? `/api/v1/labels/${editing}` : "/api/v1/labels", {
        method: editing ? "PATCH" : "POST",
        body: JSON.stringify(draft),
      }),
    onSuccess: () => {
      reset();
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/v1/labels/${id}`, { method: "DELETE" }),
    onSuccess: (_r, id) => {
      if (editing === id) reset();
      void refresh();
    },
  });

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Labels</h1>
      <p className="mt-1 text-sm text-slate-600">
        Agents tag conversations with labels and filter the inbox by them.
      </p>
      <form
        aria-label={editing ? "Edit label" : "Create label"}
        className="mt-4 grid max-w-3xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label className="text-sm">
          Name
          <input
            className={inputClass}
            value={draft.name}
            maxLength={50}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            required
          />
        </label>
        <label className="text-sm">
          Colour
          <span className="flex items-center gap-2">
            <input
              type="color"
              aria-label="Colour picker"
              className="h-8 w-10 cursor-pointer rounded border border-slate-300"
              value={draft.color}
              onChange={(e) => setDraft({ ...draft, color: e.target.value })}
            />
            <input
              className={`${inputClass} font-mono`}
              value={draft.color}
              pattern="#[0-9a-fA-F]{6}"
              title="A hex colour like #2563eb"
              onChange={(e) => setDraft({ ...draft, color: e.target.value })}
            />
          </span>
        </label>
        <label className="text-sm md:col-span-2">
          Description
          <input
            className={inputClass}
            value={draft.description}
            maxLength={200}
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          />
        </label>
        <div className="flex items-center gap-2 md:col-span-4">
          <button type="submit" className={buttonClass()} disabled={save.isPending}>
            {editing ? "Save changes" : "Create label"}
          </button>
          {editing && (
            <button type="button" className={buttonClass("ghost")} onClick={reset}>
              Cancel
            </button>
          )}
          <span className="ml-2 text-xs text-slate-500">Looks like:</span>
          <LabelChip name={draft.name || "Label"} color={draft.color} />
        </div>
      </form>
      <ErrorNote error={save.error ?? labels.error} />
      {labels.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {labels.data?.length === 0 && <p className="mt-4 text-sm text-slate-500">No labels yet.</p>}
      {labels.data && labels.data.length > 0 && (
        <table className="mt-4 w-full max-w-4xl border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Label</th>
              <th className="py-2 pr-3">Description</th>
              <th className="py-2 pr-3">Conversations</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {labels.data.map((l) => (
              <tr key={l.id} className="border-b border-slate-100" data-testid="label-row">
                <td className="py-2 pr-3">
                  <LabelChip name={l.name} color={l.color} />
                </td>
                <td className="py-2 pr-3 text-slate-600">{l.description}</td>
                <td className="py-2 pr-3">{l.conversations}</td>
                <td className="whitespace-nowrap py-2">
                  <button
                    type="button"
                    className={buttonClass("ghost")}
                    onClick={() => {
                      setEditing(l.id);
                      setDraft({ name: l.name, color: l.color, description: l.description });
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className={buttonClass("danger")}
                    disabled={remove.isPending}
                    onClick={() => {
                      const note = l.conversations
                        ? ` It is removed from ${l.conversations} conversations.`
                        : "";
                      if (window.confirm(`Delete the label "${l.name}"?${note}`)) remove.mutate(l.id);
                    }}
                  >
                    Delete
                  </button>
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

function LabelChip({ name, color }: { name: string; color: string }) {
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 px-2 py-0.5 text-xs">
      <span className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: color }} aria-hidden />
      {name}
    </span>
  );
}
