"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { NumberDto } from "@/lib/numbers/schemas";
import { TEMPLATE_STATUSES, type SyncResult, type TemplateDto } from "@/lib/templates/schemas";
import { TemplateForm } from "./template-form";
import { previewFromComponents, TemplatePreview } from "./template-preview";

type Page = { data: TemplateDto[]; next_cursor: string | null };

const statusTone: Record<string, string> = {
  APPROVED: "bg-emerald-100 text-emerald-800",
  PENDING: "bg-amber-100 text-amber-800",
  IN_APPEAL: "bg-amber-100 text-amber-800",
  REJECTED: "bg-red-100 text-red-800",
  DISABLED: "bg-red-100 text-red-800",
  PAUSED: "bg-orange-100 text-orange-800",
  FLAGGED: "bg-orange-100 text-orange-800",
};
const qualityTone: Record<string, string> = {
  GREEN: "bg-emerald-500",
  YELLOW: "bg-yellow-400",
  RED: "bg-red-500",
};
const badge = "rounded-full px-2 py-0.5 text-xs font-medium";

/** Message templates: list with filters, sync from Meta and (admins) create with a live preview. */
export function TemplatesPanel({ canManage }: { canManage: boolean }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState("");
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const [creating, setCreating] = useState(false);
  const [expanded, setExpanded] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const filters: Record<string, string> = { ...(status ? { status } : {}), ...(q ? { q } : {}) };
  const list = useInfiniteQuery({
    queryKey: queryKeys.templates(filters),
    queryFn: ({ pageParam }) =>
      api<Page>(
        `/api/v1/templates?${new URLSearchParams({ ...filters, ...(pageParam ? { cursor: pageParam } : {}) })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Meta's review answers by webhook; poll while something waits for it so the badge moves on its own.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.data.some((t) => t.status === "PENDING")) ? 5_000 : false,
  });
  const numbers = useQuery({
    queryKey: queryKeys.numbers,
    queryFn: () => api<{ data: NumberDto[] }>("/api/v1/numbers"),
    enabled: canManage,
  });
  const wabaIds = [...new Set((numbers.data?.data ?? []).map((n) => n.waba_id))];

  const sync = useMutation({
    mutationFn: () => api<SyncResult>("/api/v1/templates/sync", { method: "POST" }),
    onMutate: () => setNotice(null),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["templates"] }),
  });

  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-lg font-semibold">Message templates</h1>
        {canManage && (
          <div className="flex items-center gap-2">
            <button
              type="button"
              data-testid="templates-sync"
              disabled={sync.isPending}
              onClick={() => sync.mutate()}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60"
            >
              {sync.isPending ? "Syncing…" : "Sync from Meta"}
            </button>
            <button
              type="button"
              data-testid="templates-new"
              onClick={() => setCreating(true)}
              className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800"
            >
              New template
            </button>
          </div>
        )}
      </div>

      {sync.isPending && (
        <div data-testid="sync-progress" className="mt-3 text-sm text-slate-600">
          Fetching templates from Meta…
          <span className="mt-1 block h-1 w-full overflow-hidden rounded bg-slate-100">
            <span className="block h-1 w-1/3 animate-pulse rounded bg-emerald-600" />
          </span>
        </div>
      )}
      {sync.data && (
        <p
          data-testid="sync-result"
          role="status"
          className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          Synced {sync.data.wabas.length} {sync.data.wabas.length === 1 ? "account" : "accounts"}:{" "}
          {sync.data.added} added, {sync.data.updated} updated, {sync.data.removed} removed.
          {sync.data.failed.map((f) => (
            <span key={f.waba_id} data-testid="sync-failed" className="block text-red-800">
              Account {f.waba_id} could not be synced: {f.error}
            </span>
          ))}
        </p>
      )}
      {sync.error && (
        <p data-testid="sync-error" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Sync failed: {sync.error.message}
        </p>
      )}
      {notice && (
        <p
          data-testid="template-notice"
          role="status"
          className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
        >
          {notice}
        </p>
      )}

      {creating && (
        <div className="mt-4">
          <TemplateForm
            wabaIds={wabaIds}
            onCancel={() => setCreating(false)}
            onCreated={(template) => {
              setCreating(false);
              setNotice(`${template.name} was submitted to Meta for review (${template.status}).`);
              void queryClient.invalidateQueries({ queryKey: ["templates"] });
            }}
          />
        </div>
      )}

      <div className="mt-4 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="tpl-search" className="block text-xs text-slate-500">
            Search templates
          </label>
          <input
            id="tpl-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="name"
            className="rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
          />
        </div>
        <div>
          <label htmlFor="tpl-status" className="block text-xs text-slate-500">
            Status
          </label>
          <select
            id="tpl-status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            className="rounded-md border border-slate-300 px-2.5 py-1.5 text-sm"
          >
            <option value="">Any (not deleted)</option>
            {TEMPLATE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>

      {list.isPending && <p className="mt-4 text-sm text-slate-500">Loading templates…</p>}
      {list.error && (
        <p data-testid="templates-error" className="mt-4 text-sm text-red-700">
          Could not load templates: {list.error.message}
        </p>
      )}
      {list.isSuccess && rows.length === 0 && (
        <div
          data-testid="templates-empty"
          className="mt-6 rounded-lg border border-dashed border-slate-300 p-8 text-center"
        >
          <p className="font-medium">{q || status ? "No templates match." : "No templates yet."}</p>
          <p className="mt-1 text-sm text-slate-500">
            {canManage
              ? "Sync to pull the templates your WhatsApp Business Accounts already have, or create a new one."
              : "An admin can sync templates from Meta or create them."}
          </p>
        </div>
      )}

      {rows.length > 0 && (
        <ul className="mt-4 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {rows.map((t) => (
            <li key={t.id} data-testid="template-row" data-name={t.name ?? ""} data-status={t.status ?? ""}>
              <button
                type="button"
                onClick={() => setExpanded(expanded === t.id ? null : t.id)}
                aria-expanded={expanded === t.id}
                className="flex w-full flex-wrap items-center gap-2 px-4 py-3 text-left hover:bg-slate-50"
              >
                <span className="mr-auto font-mono text-sm">{t.name ?? t.template_id}</span>
                <span data-testid="template-language" className={`${badge} bg-slate-100 text-slate-700`}>
                  {t.language ?? "?"}
                </span>
                <span data-testid="template-category" className={`${badge} bg-sky-100 text-sky-800`}>
                  {t.category ?? "—"}
                </span>
                <span
                  data-testid="template-quality"
                  title="Quality rating from Meta"
                  className={`${badge} flex items-center gap-1 bg-slate-100 text-slate-700`}
                >
                  <span
                    className={`inline-block h-2 w-2 rounded-full ${qualityTone[t.quality ?? ""] ?? "bg-slate-400"}`}
                  />
                  {t.quality ?? "No rating yet"}
                </span>
                <span
                  data-testid="template-usage"
                  title="Messages sent with this template (failed sends excluded)"
                  className={`${badge} bg-slate-100 text-slate-700`}
                >
                  {(t.usage_count ?? 0).toLocaleString()} sent
                </span>
                <span
                  data-testid="template-status"
                  className={`${badge} ${statusTone[t.status ?? ""] ?? "bg-slate-100 text-slate-700"}`}
                >
                  {t.status ?? "UNKNOWN"}
                </span>
              </button>
              {t.reason && (
                <p className="px-4 pb-2 text-xs text-red-700">
                  Reason: {t.reason.replaceAll("_", " ").toLowerCase()}
                </p>
              )}
              {expanded === t.id && (
                <div className="grid gap-4 border-t border-slate-100 px-4 py-3 sm:grid-cols-[20rem_1fr]">
                  <TemplatePreview model={previewFromComponents(t.components)} />
                  <dl className="space-y-1 text-xs text-slate-600">
                    <div>
                      <dt className="inline text-slate-400">Meta id </dt>
                      <dd className="inline font-mono">{t.template_id}</dd>
                    </div>
                    <div>
                      <dt className="inline text-slate-400">WABA </dt>
                      <dd className="inline font-mono">{t.waba_id}</dd>
                    </div>
                    <div>
                      <dt className="inline text-slate-400">Parameters </dt>
                      <dd className="inline">{t.parameter_format.toLowerCase()}</dd>
                    </div>
                    <div>
                      <dt className="inline text-slate-400">Updated </dt>
                      <dd className="inline">{new Date(t.updated_at).toLocaleString()}</dd>
                    </div>
                  </dl>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button
          type="button"
          onClick={() => void list.fetchNextPage()}
          disabled={list.isFetchingNextPage}
          className="mt-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
        >
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
