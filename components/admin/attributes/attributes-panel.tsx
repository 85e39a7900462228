"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { slugFromLabel } from "@/lib/contacts/schemas";
import { attributeKeys, type AttributeDefinition } from "@/components/contacts/contact-facts";
import { ErrorNote, buttonClass, inputClass } from "../people/shared";

type AttributeType = AttributeDefinition["type"];
type Draft = { label: string; key: string; type: AttributeType; options: string };
const EMPTY: Draft = { label: "", key: "", type: "text", options: "" };
const TYPES: { value: AttributeType; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "number", label: "Number" },
  { value: "date", label: "Date" },
  { value: "boolean", label: "Yes / no" },
  { value: "select", label: "Select (options)" },
];

/**
 * Custom contact attributes: what agents fill in on the contact panel and what travels in the contacts CSV
 * as `attr:<key>`. Key and type are fixed once created (values are stored under the key); archiving hides
 * an attribute but keeps its values.
 */
export function AttributesPanel() {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<AttributeDefinition | null>(null);
  const attributes = useQuery({
    queryKey: attributeKeys.all,
    queryFn: () => api<{ data: AttributeDefinition[] }>("/api/v1/contact-attributes?include_archived=true"),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: attributeKeys.root });
  const reset = () => {
    setEditing(null);
    setDraft(EMPTY);
  };
  const options = splitOptions(draft.options);
  const save = useMutation({
    mutationFn: () =>
      editing
        ? api<AttributeDefinition>(`/api/v1/contact-attributes/${editing.id}`, {
            method: "PATCH",
            body: JSON.stringify({ label: draft.label, ...(editing.type === "select" ? { options } : {}) }),
          })
        : api<AttributeDefinition>("/api/v1/contact-attributes", {
            method: "POST",
            body: JSON.stringify({
              label: draft.label,
              type: draft.type,
              ...(draft.key.trim() ? { key: draft.key.trim() } : {}),
              ...(draft.type === "select" ? { options } : {}),
            }),
          }),
    onSuccess: () => {
      reset();
      void refresh();
    },
  });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      api(`/api/v1/contact-attributes/${id}`, { method: "PATCH", body: JSON.stringify(body) }),
    onSettled: () => void refresh(),
  });
  const list = attributes.data?.data ?? [];
  const type = editing?.type ?? draft.type;

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Contact attributes</h1>
      <p className="mt-1 text-sm text-slate-600">
        Custom fields on every contact (plan, renewal date, account manager…). Agents fill them in on the
        contact panel; the contacts CSV carries them as <code className="font-mono">attr:&lt;key&gt;</code>{" "}
        columns.
      </p>
      <form
        aria-label={editing ? "Edit attribute" : "Create attribute"}
        className="mt-4 grid max-w-3xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label className="text-sm">
          Label
          <input
            className={inputClass}
            value={draft.label}
            maxLength={80}
            onChange={(e) => setDraft({ ...draft, label: e.target.value })}
            required
          />
        </label>
        <label className="text-sm">
          Key
          <input
            className={`${inputClass} font-mono disabled:bg-slate-50`}
            value={editing ? editing.key : draft.key}
            placeholder={draft.label.trim() ? slugFromLabel(draft.label) : "from the label"}
            pattern="[a-z][a-z0-9_]*"
            title="Lower-case letters, digits and _, starting with a letter"
            maxLength={40}
            disabled={Boolean(editing)}
            onChange={(e) => setDraft({ ...draft, key: e.target.value })}
          />
        </label>
        <label className="text-sm">
          Type
          <select
            className={`${inputClass} disabled:bg-slate-50`}
            value={type}
            disabled={Boolean(editing)}
            onChange={(e) => setDraft({ ...draft, type: e.target.value as AttributeType })}
          >
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        {type === "select" && (
          <label className="text-sm md:col-span-3">
            Options (comma-separated)
            <input
              className={inputClass}
              value={draft.options}
              placeholder="Free, Pro, Enterprise"
              onChange={(e) => setDraft({ ...draft, options: e.target.value })}
              required
            />
          </label>
        )}
        <div className="flex items-center gap-2 md:col-span-3">
          <button type="submit" className={buttonClass()} disabled={save.isPending}>
            {editing ? "Save changes" : "Create attribute"}
          </button>
          {editing && (
            <button type="button" className={buttonClass("ghost")} onClick={reset}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <ErrorNote error={save.error ?? patch.error ?? attributes.error} />
      {attributes.isPending && <p className="mt-4 text-sm text-slate-500">Loading…</p>}
      {attributes.data && list.length === 0 && (
        <div
          data-testid="attributes-empty"
          className="mt-4 max-w-3xl rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500"
        >
          <p className="font-medium text-slate-700">No contact attributes yet</p>
          <p className="mt-1">
            Create one above, for example a “Plan” select with the options Free and Pro; it then shows on
            every contact&apos;s panel in the inbox.
          </p>
        </div>
      )}
      {list.length > 0 && (
        <table className="mt-4 w-full max-w-4xl border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Attribute</th>
              <th className="py-2 pr-3">Key</th>
              <th className="py-2 pr-3">Type</th>
              <th className="py-2 pr-3">Options</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {list.map((a, i) => (
              <tr
                key={a.id}
                className={`border-b border-slate-100 ${a.archived ? "text-slate-400" : ""}`}
                data-testid="attribute-row"
              >
                <td className="py-2 pr-3 font-medium">
                  {a.label}
                  {a.archived && (
                    <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal">
                      Archived
                    </span>
                  )}
                </td>
                <td className="py-2 pr-3 font-mono text-xs">{a.key}</td>
                <td className="py-2 pr-3">{TYPES.find((t) => t.value === a.type)?.label ?? a.type}</td>
                <td className="py-2 pr-3 text-slate-600">{a.options.join(", ")}</td>
                <td className="whitespace-nowrap py-2">
                  <button
                    type="button"
                    aria-label={`Move ${a.label} up`}
                    className={buttonClass("ghost")}
                    disabled={i === 0 || patch.isPending}
                    onClick={() => patch.mutate({ id: a.id, body: { position: i - 1 } })}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    aria-label={`Move ${a.label} down`}
                    className={buttonClass("ghost")}
                    disabled={i === list.length - 1 || patch.isPending}
                    onClick={() => patch.mutate({ id: a.id, body: { position: i + 1 } })}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className={buttonClass("ghost")}
                    onClick={() => {
                      setEditing(a);
                      setDraft({ label: a.label, key: a.key, type: a.type, options: a.options.join(", ") });
                    }}
                  >
                    Edit
                  </button>
                  {a.archived ? (
                    <button
                      type="button"
                      className={buttonClass("secondary")}
                      disabled={patch.isPending}
                      onClick={() => patch.mutate({ id: a.id, body: { archived: false } })}
                    >
                      Restore
                    </button>
                  ) : (
                    <button
                      type="button"
                      className={buttonClass("danger")}
                      disabled={patch.isPending}
                      onClick={() => {
                        if (
                          window.confirm(
                            `Archive "${a.label}"? It leaves the contact panel and the CSV; values are kept and come back on restore.`,
                          )
                        )
                          patch.mutate({ id: a.id, body: { archived: true } });
                      }}
                    >
                      Archive
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function splitOptions(text: string): string[] {
  return text
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
}

// Mirrors the server's slug so the admin sees the key an empty Key field will get.
