"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { CampaignDto } from "@/lib/campaigns/schemas";
import { CampaignDetail } from "./campaign-detail";
import { CampaignWizard } from "./campaign-wizard";
import { badge, doneCount, stateTone } from "./labels";
import { ProgressBar } from "./progress-bar";

type Page = { data: CampaignDto[]; next_cursor: string | null };

/** Campaigns: the list with live progress on the left, a campaign or the new-campaign wizard on the right. */
export function CampaignsPanel() {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useInfiniteQuery({
    queryKey: [...queryKeys.campaigns.all, "list"],
    queryFn: ({ pageParam }) =>
      api<Page>(`/api/v1/campaigns?${new URLSearchParams(pageParam ? { cursor: pageParam } : {})}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Socket events refresh it; while something is sending, polling covers a missed event.
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.data.some((c) => c.state === "running")) ? 5_000 : false,
  });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <div className="flex h-full min-h-0">
      <aside className="flex w-80 shrink-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex items-center justify-between border-b border-slate-100 px-4 py-3">
          <h1 className="font-semibold">Campaigns</h1>
          <button
            type="button"
            data-testid="campaigns-new"
            onClick={() => {
              setCreating(true);
              setSelected(null);
            }}
            className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800"
          >
            New campaign
          </button>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto">
          {list.isPending && <p className="p-4 text-sm text-slate-500">Loading campaigns…</p>}
          {list.error && (
            <p className="p-4 text-sm text-red-700">Could not load campaigns: {list.error.message}</p>
          )}
          {list.isSuccess && rows.length === 0 && (
            <p data-testid="campaigns-empty" className="p-4 text-sm text-slate-500">
              No campaigns yet. A campaign sends an approved template to the contacts who agreed to receive
              it.
            </p>
          )}
          <ul className="divide-y divide-slate-100">
            {rows.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  data-testid="campaign-row"
                  data-name={c.name}
                  data-state={c.state}
                  aria-current={selected === c.id}
                  onClick={() => {
                    setSelected(c.id);
                    setCreating(false);
                  }}
                  className={`w-full space-y-1.5 px-4 py-3 text-left hover:bg-slate-50 ${selected === c.id ? "bg-emerald-50" : ""}`}
                >
                  <span className="flex items-center gap-2">
                    <span className="mr-auto truncate text-sm font-medium">{c.name}</span>
                    <span className={`${badge} ${stateTone[c.state]}`}>{c.state}</span>
                  </span>
                  <ProgressBar progress={c.progress} size="sm" />
                  <span className="block text-xs text-slate-500">
                    {c.template.name} · {doneCount(c.progress)}/{c.progress.total} done
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {list.hasNextPage && (
            <button
              type="button"
              onClick={() => void list.fetchNextPage()}
              className="m-4 rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
            >
              Load more
            </button>
          )}
        </div>
      </aside>
      <main className="min-w-0 flex-1 overflow-y-auto p-6">
        {creating ? (
          <CampaignWizard
            onCancel={() => setCreating(false)}
            onDone={(id) => {
              setCreating(false);
              setSelected(id);
              void list.refetch();
            }}
          />
        ) : selected ? (
          <CampaignDetail id={selected} />
        ) : (
          <p className="text-sm text-slate-500">Choose a campaign, or create a new one.</p>
        )}
      </main>
    </div>
  );
}
