"use client";

import { memo, useEffect, type CSSProperties } from "react";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { elapsed, initials, slaBadge, windowBadge } from "@/lib/utils/format";
import { LabelChip } from "./conversation-header";
import { useRowWindow } from "./conversation-list-window";

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
// row gains a label or a badge, and positions are arithmetic (nothing measured).
const ROW_HEIGHT = 84;
// Rows kept rendered past the viewport: more ahead of the scrolling than behind, enough ahead for a wheel
// step of a screen and a half to land on rendered rows, few enough that the DOM stays small (T9: ≤ 60
// row nodes; about 10 in view).
const AHEAD = 20;
const BEHIND = 4;
// Rows added per frame while the overscan fills: each new row is a dozen elements to style, lay out and
// paint, and a whole screen of them in one frame made tasks over 50 ms on a 4× throttled CPU (T9).
const CHUNK = 4;
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
  const count = rows.length + (hasMore ? 1 : 0);
  const { ref, shown, reveal, totalHeight } = useRowWindow({
    count,
    rowHeight: ROW_HEIGHT,
    ahead: AHEAD,
    behind: BEHIND,
    chunk: CHUNK,
  });
  const lastIndex = shown.end;

  useEffect(() => {
    if (!hasMore || loadingMore || lastIndex < rows.length - PREFETCH_ROWS) return;
    // Out of the frame that rendered the rows, so the fetch does not lengthen it. A newer render
    // replaces the timer, so one fetch starts.
    const timer = setTimeout(onLoadMore, 0);
    return () => clearTimeout(timer);
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const activeIndex = activeId ? rows.findIndex((r) => r.id === activeId) : -1;
  useEffect(() => {
    reveal(activeIndex);
  }, [activeIndex, reveal]);

  // In index order: the DOM order is the focus and reading order, and rows never swap places between
  // renders (React only inserts and removes them).
  const shownRows = [];
  for (let index = shown.start; index <= shown.end; index++) {
    const c = rows[index];
    shownRows.push(
      c ? (
        <Row
          key={c.id}
          index={index}
          conversation={c}
          selected={c.id === selectedId}
          active={c.id === activeId}
          onSelect={onSelect}
          now={now}
        />
      ) : (
        <div key="more" role="listitem" style={rowStyle(index)}>
          <p className="px-4 py-3 text-xs text-slate-500 dark:text-slate-400">
            {loadingMore ? "Loading more…" : ""}
          </p>
        </div>
      ),
    );
  }

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
      ref={ref}
      data-testid="conversation-list"
      role="list"
      aria-label="Conversations"
      // Opaque and on its own layer, so the compositor scrolls it: without them every scroll frame
      // repainted and re-layerized the whole page (Paint 5–20 ms a frame at 4× throttling, T9's trace).
      className="min-h-0 flex-1 overflow-y-auto bg-white [overflow-anchor:none] [will-change:transform] dark:bg-slate-900"
    >
      <div style={{ height: totalHeight, position: "relative" }}>{shownRows}</div>
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

// Today's bounds for the `now` the rows were given: toDateString twice per row was a visible share of
// the scroll frames.
let today = { now: Number.NaN, start: 0, end: 0 };

/** The row's time: the time of day for today's last message, else the date (as shortTime). */
function rowTime(iso: string | null, now: number): string {
  if (!iso) return "";
  if (today.now !== now) {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    const start = day.getTime();
    day.setDate(day.getDate() + 1);
    today = { now, start, end: day.getTime() };
  }
  const at = Date.parse(iso);
  return at >= today.start && at < today.end ? timeOfDay.format(at) : monthDay.format(at);
}

/** Where the row at `index` sits: fixed size, nothing drawn outside it. */
function rowStyle(index: number): CSSProperties {
  return {
    position: "absolute",
    top: 0,
    left: 0,
    right: 0,
    height: ROW_HEIGHT,
    transform: `translateY(${index * ROW_HEIGHT}px)`,
    // The rows that scroll in are laid out and painted on their own, without re-laying out the rest.
    contain: "strict",
  };
}

// Memoized with stable props (the conversation object only changes when its data does), so a render of
// the list renders just the rows that came into view and a click just the rows whose selection changed.
const Row = memo(function Row({
  index,
  conversation: c,
  selected,
  active,
  onSelect,
  now,
}: {
  index: number;
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
    <div role="listitem" style={rowStyle(index)}>
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
    </div>
  );
});
