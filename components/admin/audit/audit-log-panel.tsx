"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api } from "@/lib/client/api";
import type { AuditPage } from "@/lib/audit/schemas";
import { AuditFilters } from "./audit-filters";
import { AuditTable } from "./audit-table";
import { emptyFilters, filterParams, type AuditFilterValues } from "./filters";
import { VerifyChainButton } from "./verify-chain-button";

/** The audit log for admins and supervisors: filter, scroll back in time, export what is filtered, verify. */
export function AuditLogPanel({ canExport, canVerify }: { canExport: boolean; canVerify: boolean }) {
  const [filters, setFilters] = useState<AuditFilterValues>(emptyFilters);
  const params = filterParams(filters);
  const list = useInfiniteQuery({
    queryKey: ["audit", params],
    queryFn: ({ pageParam }) =>
      api<AuditPage>(
        `/api/v1/audit?${new URLSearchParams({ ...params, ...(pageParam ? { cursor: pageParam } : {}) })}`,
      ),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];

  // Infinite scroll: the next page loads when the "Load more" row comes into view (the button stays as a fallback).
  const more = useRef<HTMLButtonElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const node = more.current;
    if (!node || !hasNextPage || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold">Audit log</h1>
          <p className="text-sm text-slate-500">
            Append-only and hash-chained: every change, who made it and when.
          </p>
        </div>
        <div className="flex items-start gap-2">
          {canExport && (
            <a
              data-testid="audit-export"
              href={`/api/v1/audit/export?${new URLSearchParams(params)}`}
              download
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              Export CSV
            </a>
          )}
          {canVerify && <VerifyChainButton />}
        </div>
      </div>

      <AuditFilters value={filters} onApply={setFilters} />

      {list.isPending && <p className="mt-4 text-sm text-slate-500">Loading the audit log…</p>}
      {list.error && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          Could not load the audit log: {list.error.message}
        </p>
      )}
      {list.data && rows.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">No entries match these filters.</p>
      )}
      {rows.length > 0 && (
        <AuditTable rows={rows} onFilter={(f) => setFilters({ ...emptyFilters, ...filters, ...f })} />
      )}
      {hasNextPage && (
        <button
          ref={more}
          type="button"
          data-testid="audit-load-more"
          disabled={isFetchingNextPage}
          onClick={() => void fetchNextPage()}
          className="mt-3 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60"
        >
          {isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
