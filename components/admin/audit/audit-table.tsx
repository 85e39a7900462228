"use client";

import { Fragment, useState } from "react";
import type { AuditEntryDto } from "@/lib/audit/schemas";

/** One row per entry; the details (the entry's JSON and hash) open under it. */
export function AuditTable({
  rows,
  onFilter,
}: {
  rows: AuditEntryDto[];
  onFilter: (filter: { actor?: string; entity_type?: string; entity_id?: string }) => void;
}) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <table data-testid="audit-table" className="mt-4 w-full border-collapse text-left text-sm">
      <thead className="text-xs text-slate-500">
        <tr className="border-b border-slate-200">
          <th className="py-2 pr-3 font-medium">#</th>
          <th className="py-2 pr-3 font-medium">Time</th>
          <th className="py-2 pr-3 font-medium">Actor</th>
          <th className="py-2 pr-3 font-medium">Action</th>
          <th className="py-2 pr-3 font-medium">Entity</th>
          <th className="py-2 font-medium">Details</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <Fragment key={row.id}>
            <tr data-testid="audit-row" className="border-b border-slate-100 align-top">
              <td className="py-2 pr-3 text-xs text-slate-400 tabular-nums">{row.id}</td>
              <td className="py-2 pr-3 whitespace-nowrap tabular-nums" title={row.at}>
                {new Date(row.at).toLocaleString()}
              </td>
              <td className="py-2 pr-3">
                <button
                  type="button"
                  title={`Only ${row.actor_type} ${row.actor_id ?? ""}`}
                  disabled={!row.actor_id}
                  onClick={() => row.actor_id && onFilter({ actor: row.actor_id })}
                  className="text-left hover:underline"
                >
                  {row.actor_name ?? <span className="text-slate-400">deleted user</span>}
                </button>
                {row.actor_type !== "user" && <span className="ml-1 text-xs text-slate-400">(system)</span>}
              </td>
              <td className="py-2 pr-3 font-mono text-xs">{row.action}</td>
              <td className="py-2 pr-3">
                <button
                  type="button"
                  onClick={() =>
                    onFilter({
                      entity_type: row.entity_type,
                      ...(row.entity_id ? { entity_id: row.entity_id } : {}),
                    })
                  }
                  className="text-left hover:underline"
                >
                  {row.entity_type}
                  {row.entity_id && (
                    <span className="ml-1 font-mono text-xs text-slate-500">
                      {row.entity_id.slice(0, 12)}
                    </span>
                  )}
                </button>
              </td>
              <td className="py-2">
                <button
                  type="button"
                  aria-expanded={open.has(row.id)}
                  onClick={() => toggle(row.id)}
                  className="text-xs text-emerald-800 hover:underline"
                >
                  {open.has(row.id) ? "Hide" : "Show"}
                </button>
              </td>
            </tr>
            {open.has(row.id) && (
              <tr className="border-b border-slate-100 bg-slate-50">
                <td colSpan={6} className="px-3 py-2">
                  <pre className="overflow-x-auto text-xs whitespace-pre-wrap text-slate-800">
                    {JSON.stringify(row.data, null, 2)}
                  </pre>
                  <p className="mt-1 font-mono text-[11px] break-all text-slate-400">hash {row.hash}</p>
                </td>
              </tr>
            )}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
