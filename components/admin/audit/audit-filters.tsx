"use client";

import { useState } from "react";
import { emptyFilters, type AuditFilterValues } from "./filters";

const fields: { key: keyof AuditFilterValues; label: string; placeholder?: string; type?: string }[] = [
  { key: "action", label: "Action starts with", placeholder: "campaign." },
  { key: "actor", label: "Actor id", placeholder: "user id or ingest, cli…" },
  { key: "entity_type", label: "Entity type", placeholder: "conversation" },
  { key: "entity_id", label: "Entity id" },
  { key: "from", label: "From", type: "date" },
  { key: "to", label: "To (inclusive)", type: "date" },
];

/** The filter bar: edits stay local until Apply, so typing does not refetch on every key. */
export function AuditFilters({
  value,
  onApply,
}: {
  value: AuditFilterValues;
  onApply: (next: AuditFilterValues) => void;
}) {
  const [draft, setDraft] = useState(value);
  const [applied, setApplied] = useState(value);
  // A filter set from outside (clicking an actor or entity in the table) replaces the draft.
  if (applied !== value) {
    setApplied(value);
    setDraft(value);
  }
  return (
    <form
      data-testid="audit-filters"
      className="mt-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 md:grid-cols-6"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {fields.map((f) => (
        <label key={f.key} className="text-xs text-slate-500">
          {f.label}
          <input
            name={f.key}
            type={f.type ?? "text"}
            value={draft[f.key]}
            placeholder={f.placeholder}
            onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm text-slate-900"
          />
        </label>
      ))}
      <div className="col-span-2 flex items-center gap-2 md:col-span-6">
        <button
          type="submit"
          className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800"
        >
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(emptyFilters);
            onApply(emptyFilters);
          }}
          className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100"
        >
          Clear
        </button>
      </div>
    </form>
  );
}
