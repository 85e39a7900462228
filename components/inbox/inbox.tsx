"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import { api } from "@/lib/client/api";
import { useConnectionState } from "@/lib/client/connection";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary, Page } from "@/lib/conversations/schemas";
import { ConversationList } from "./conversation-list";
import { Thread } from "./thread";

export function Inbox() {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const connection = useConnectionState();
  const conversations = useQuery({
    queryKey: queryKeys.conversations.list("all"),
    queryFn: () => api<Page<ConversationSummary>>("/api/v1/conversations?view=all&limit=100"),
  });
  const rows = conversations.data?.data ?? [];

  useEffect(() => {
    setSelectedId(new URLSearchParams(window.location.search).get("c"));
  }, []);

  const select = useCallback((id: string) => {
    setSelectedId(id);
    const url = new URL(window.location.href);
    url.searchParams.set("c", id);
    window.history.replaceState(null, "", url);
  }, []);

  // j / k (or arrow keys) move through the list, as in the inboxes agents already know.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement;
      if (target.closest("input, textarea, [contenteditable=true]") || event.metaKey || event.ctrlKey) return;
      const step =
        event.key === "j" || event.key === "ArrowDown"
          ? 1
          : event.key === "k" || event.key === "ArrowUp"
            ? -1
            : 0;
      if (!step || rows.length === 0) return;
      event.preventDefault();
      const index = rows.findIndex((r) => r.id === selectedId);
      const next = rows[Math.min(rows.length - 1, Math.max(0, index + step))];
      if (next) select(next.id);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, selectedId, select]);

  const selected = rows.find((r) => r.id === selectedId) ?? null;
  return (
    <div className="grid h-full grid-cols-[minmax(280px,360px)_1fr]">
      <aside className="flex min-h-0 flex-col border-r border-slate-200 bg-white">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
          <h1 className="text-sm font-semibold">Conversations</h1>
          <span
            data-testid="connection-state"
            className={`text-xs ${connection === "live" ? "text-emerald-700" : "text-amber-600"}`}
            title="Live updates"
          >
            {connection === "live" ? "● Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…"}
          </span>
        </div>
        <ConversationList
          rows={rows}
          loading={conversations.isPending}
          error={conversations.error?.message ?? null}
          selectedId={selectedId}
          onSelect={select}
        />
      </aside>
      <section className="min-h-0 min-w-0">
        {selected ? (
          <Thread key={selected.id} conversation={selected} />
        ) : (
          <div className="flex h-full items-center justify-center text-sm text-slate-500">
            {rows.length ? "Select a conversation (j / k to move)" : "No conversations yet"}
          </div>
        )}
      </section>
    </div>
  );
}
