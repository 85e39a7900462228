"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useCallback, useDeferredValue, useEffect, useRef } from "react";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { elapsed, initials, slaBadge, windowBadge } from "@/lib/utils/format";
import { LabelChip } from "./conversation-header";

type Props = {
  rows: ConversationSummary[];
  loading: boolean;
  error: string | null;
  selectedId: string | null;
  /** The keyboard cursor (j / k); Enter opens it. */
  activeId: string | null;
  onSelect: (id: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onRetry: () => void;
  empty: { title: string; body: string };
  /** Milliseconds since epoch, refreshed each minute, for the waiting and window badges. */
  now: number;
};

// Every row has the same height (three lines, the last one for badges, empty or not): nothing jumps when a
// row gains a label or a badge, and the virtualizer never has to measure.
const ROW_HEIGHT = 84;
// Rows kept above and below the viewport, rendered ahead in a deferred render (below), few enough that the
// DOM stays small (T9: ≤ 60 row nodes, the overscan plus at most a viewport that scrolled past it).
const OVERSCAN = 12;
// Fetch the next page once the rendered rows come within a page (50) of the loaded end, so it has
// arrived by the time a fast scroll gets there.
const PREFETCH_ROWS = 50;

// Memoized: the inbox re-renders for socket nudges, counts and the open thread; the list only for its own props.
export const ConversationList = memo(function ConversationList({
  rows,
  loading,
  error,
  selectedId,
  activeId,
  onSelect,
  hasMore,
  loadingMore,
  onLoadMore,
  onRetry,
  empty,
  now,
}: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // Stable between renders with the same rows: a new function makes the virtualizer rebuild every
  // row's measurement (thousands after a long scroll) on each scroll frame.
  const getItemKey = useCallback((index: number) => rows[index]?.id ?? "more", [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasMore ? 1 : 0),
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    getItemKey,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (!hasMore || loadingMore || lastIndex < rows.length - PREFETCH_ROWS) return;
    // Out of the scroll frame: this effect runs inside the synchronous scroll render, and starting a
    // fetch there lengthens the frame. A newer frame replaces the timer, so one fetch starts.
    const timer = setTimeout(onLoadMore, 0);
    return () => clearTimeout(timer);
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const activeIndex = activeId ? rows.findIndex((r) => r.id === activeId) : -1;
  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: "auto" });
  }, [activeIndex, virtualizer]);

  // The rows in the viewport render in the scroll frame itself, so the list is never blank; the overscan
  // rows around them follow in a deferred render, time-sliced (a newer scroll frame restarts it). A fast
  // wheel brings a dozen rows per frame, and rendering them all in that frame, with their style and
  // layout, made tasks over 50 ms on a 4× throttled CPU (T9). Only the range is deferred: every row
  // shown comes from the current `rows`, by index.
  const rowAt = (index: number) => {
    const c = rows[index];
    return (
      <div
        key={c?.id ?? "more"}
        role="listitem"
        style={{
          position: "absolute",
          top: 0,
          left: 0,
          right: 0,
          height: ROW_HEIGHT,
          transform: `translateY(${index * ROW_HEIGHT}px)`,
          // Fixed size, nothing drawn outside: the rows that scroll in are laid out and painted
          // on their own, without re-laying out the rest of the list.
          contain: "strict",
        }}
      >
        {c ? (
          <Row
            conversation={c}
            selected={c.id === selectedId}
            active={c.id === activeId}
            onSelect={onSelect}
            now={now}
          />
        ) : (
          <p className="px-4 py-3 text-xs text-slate-500 dark:text-slate-400">
            {loadingMore ? "Loading more…" : ""}
          </p>
        )}
      </div>
    );
  };
  const deferredFirst = useDeferredValue(items[0]?.index ?? 0);
  const deferredLast = useDeferredValue(lastIndex);
  const count = rows.length + (hasMore ? 1 : 0);
  const shown = new Set<number>();
  for (let index = deferredFirst; index <= Math.min(deferredLast, count - 1); index++) shown.add(index);
  const visible = virtualizer.range;
  if (visible)
    for (let index = visible.startIndex; index <= Math.min(visible.endIndex, count - 1); index++)
      shown.add(index);
  // In index order: the DOM order is the focus and reading order, and rows never swap places between
  // renders (React only inserts and removes them).
  const shownRows = [...shown].sort((a, b) => a - b).map(rowAt);

  if (loading)
    return <p className="p-4 text-sm text-slate-500 dark:text-slate-400">Loading conversations…</p>;
  if (error)
    return (
      <div role="alert" className="p-4 text-sm text-red-700 dark:text-red-400">
        <p>Could not load conversations: {error}</p>
        <button type="button" onClick={onRetry} className="mt-1 font-medium underline">
          Try again
        </button>
      </div>
    );
  if (rows.length === 0) {
    return (
      <div data-testid="list-empty" className="p-6 text-center text-sm text-slate-500 dark:text-slate-400">
        <p className="font-medium text-slate-700 dark:text-slate-200">{empty.title}</p>
        <p className="mt-1">{empty.body}</p>
      </div>
    );
  }
  return (
    <div
      ref={scroller}
      data-testid="conversation-list"
      role="list"
      aria-label="Conversations"
      // Opaque and on its own layer, so the compositor scrolls it: without them every scroll frame
      // repainted and re-layerized the whole page (Paint 5–20 ms a frame at 4× throttling, T9's trace).
      className="min-h-0 flex-1 overflow-y-auto bg-white [overflow-anchor:none] [will-change:transform] dark:bg-slate-900"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>{shownRows}</div>
    </div>
  );
});

const priorityMark: Record<ConversationSummary["priority"], { text: string; className: string } | null> = {
  low: null,
  normal: null,
  high: { text: "High", className: "bg-amber-100 text-amber-900 dark:text-amber-200" },
  urgent: { text: "Urgent", className: "bg-red-100 text-red-800" },
};

// Built once: toLocaleTimeString/DateString with options construct a formatter on every call, per row per render.
const timeOfDay = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });
const monthDay = new Intl.DateTimeFormat([], { month: "short", day: "numeric" });

/** The row's time: the time of day for today's last message, else the date (as shortTime). */
function rowTime(iso: string | null, now: number): string {
  if (!iso) return "";
  const date = new Date(iso);
  return date.toDateString() === new Date(now).toDateString()
    ? timeOfDay.format(date)
    : monthDay.format(date);
}

// Memoized with stable props (the conversation object only changes when its data does), so a scroll
// frame renders just the rows that came into view and a click just the rows whose selection changed.
const Row = memo(function Row({
  conversation: c,
  selected,
  active,
  onSelect,
  now,
}: {
  conversation: ConversationSummary;
  selected: boolean;
  active: boolean;
  onSelect: (id: string) => void;
  now: number;
}) {
  const priority = priorityMark[c.priority];
  const badge = c.status === "resolved" ? null : windowBadge(c.window_expires_at, now);
  const sla = c.status === "open" ? slaBadge(c.sla, now) : null;
  const waiting = c.waiting_since && c.status !== "resolved" ? now - Date.parse(c.waiting_since) : null;
  return (
    <button
      type="button"
      onClick={() => onSelect(c.id)}
      aria-current={selected}
      data-testid="conversation-row"
      data-conversation-id={c.id}
      data-active={active || undefined}
      className={`flex h-full w-full items-start gap-3 border-b border-slate-100 px-4 py-2.5 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-emerald-600 dark:border-slate-800 dark:hover:bg-slate-800 ${
        selected ? "bg-emerald-50" : ""
      } ${active ? "shadow-[inset_3px_0_0_0_var(--color-emerald-600)]" : ""}`}
    >
      <span
        aria-hidden
        className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-emerald-100 text-xs font-semibold text-emerald-800 dark:bg-emerald-900"
      >
        {initials(c.contact.name)}
      </span>
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline justify-between gap-2">
          <span className={`truncate text-sm ${c.unread_count > 0 ? "font-semibold" : "font-medium"}`}>
            {c.contact.name}
          </span>
          <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
            {rowTime(c.last_message_at, now)}
          </span>
        </span>
        <span className="flex items-center justify-between gap-2">
          <span className="truncate text-xs text-slate-600 dark:text-slate-300">
            {c.last_message_preview}
          </span>
          {c.unread_count > 0 && (
            <span
              data-testid="unread-count"
              aria-label={`${c.unread_count} unread`}
              className="shrink-0 rounded-full bg-emerald-600 px-1.5 text-[10px] font-semibold text-white"
            >
              {c.unread_count}
            </span>
          )}
        </span>
        <span className="mt-1 flex h-4 items-center gap-1 overflow-hidden text-[10px] text-slate-500 dark:text-slate-400">
          {priority && (
            <span
              data-testid="priority-mark"
              className={`shrink-0 rounded px-1 font-semibold ${priority.className}`}
            >
              {priority.text}
            </span>
          )}
          {sla && (
            <span
              data-testid="sla-badge"
              data-kind={sla.kind}
              className={`shrink-0 rounded px-1 font-medium ${sla.kind === "breached" ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-orange-100 text-orange-900 dark:bg-orange-950 dark:text-orange-200"}`}
            >
              {sla.label}
            </span>
          )}
          {badge ? (
            <span
              data-testid="window-badge"
              data-kind={badge.kind}
              className={`shrink-0 rounded px-1 ${badge.kind === "closed" ? "bg-slate-200 text-slate-700 dark:text-slate-200" : "bg-amber-100 text-amber-900 dark:text-amber-200"}`}
            >
              {badge.label}
            </span>
          ) : (
            waiting !== null &&
            waiting > 60_000 && (
              <span data-testid="waiting-badge" className="shrink-0 rounded bg-sky-50 px-1 text-sky-800">
                Waiting {elapsed(waiting)}
              </span>
            )
          )}
          {c.labels.slice(0, 2).map((label) => (
            <LabelChip key={label.id} label={label} />
          ))}
          {c.labels.length > 2 && <span className="shrink-0">+{c.labels.length - 2}</span>}
          {c.assignee_name && (
            <span
              data-testid="row-assignee"
              className="ml-auto shrink-0 truncate text-slate-600 dark:text-slate-300"
            >
              {c.assignee_name}
            </span>
          )}
        </span>
      </span>
    </button>
  );
});
