"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import {
  memo,
  useCallback,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { useConnectionState } from "@/lib/client/connection";
import {
  fetchConversation,
  fetchConversationPage,
  fetchCounts,
  listParams,
  type InboxView,
  type ListFilters,
  type Viewer,
} from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import { conversationPriorities, type ConversationSummary } from "@/lib/conversations/schemas";
import { ContactPanel } from "@/components/contacts/contact-panel";
import { CommandPalette, type Command } from "./command-palette";
import { ConversationList } from "./conversation-list";
import { useLabels, useTeams, useViewer, ViewerProvider } from "./inbox-context";
import { NotificationBell } from "./notification-bell";
import { SearchBox, type SearchHandle } from "./search-box";
import { ShortcutsHelp } from "./shortcuts-help";
import { Thread, type ThreadHandle } from "./thread";
import { conversationKey } from "./use-conversation-action";

// Its props are stable across list pages and socket nudges: a new page must not re-render the panel.
const MemoContactPanel = memo(ContactPanel);

export function Inbox({ viewer }: { viewer: Viewer }) {
  return (
    <ViewerProvider viewer={viewer}>
      <InboxScreen />
    </ViewerProvider>
  );
}

const DEFAULT_FILTERS: ListFilters = { view: "all", sort: "recent" };

function InboxScreen() {
  const viewer = useViewer();
  const connection = useConnectionState();
  const [filters, setFilters] = useState<ListFilters>(DEFAULT_FILTERS);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [cursorId, setCursorId] = useState<string | null>(null);
  const [overlay, setOverlay] = useState<"palette" | "help" | null>(null);
  const [contactOpen, toggleContact] = useContactPanelOpen();
  const search = useRef<SearchHandle>(null);
  const thread = useRef<ThreadHandle>(null);
  // Where the agent last clicked: "/" goes to the composer after a click in the conversation, else to search.
  const region = useRef<string | null>(null);
  const now = useMinute();

  const params = useMemo(() => listParams(filters), [filters]);
  const list = useInfiniteQuery({
    queryKey: queryKeys.conversations.page(params),
    queryFn: ({ pageParam, signal }) => fetchConversationPage(params, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const counts = useQuery({
    queryKey: queryKeys.conversations.counts,
    queryFn: ({ signal }) => fetchCounts(signal),
  });
  // Stable (the observer's methods are bound once), so the memoized list skips unrelated renders.
  const { fetchNextPage, refetch } = list;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const retry = useCallback(() => void refetch(), [refetch]);
  const rows = useMemo(() => {
    // A row can move between pages while they refetch one by one: show it once.
    const seen = new Set<string>();
    const out: ConversationSummary[] = [];
    for (const page of list.data?.pages ?? [])
      for (const row of page.data)
        if (!seen.has(row.id)) {
          seen.add(row.id);
          out.push(row);
        }
    return out;
  }, [list.data]);

  // A click repaints the list's selection at once; the thread (a whole new subtree) follows in a
  // deferred, interruptible render, so the click never waits for it (INP) and a second click wins.
  const threadId = useDeferredValue(selectedId);
  const fromList = rows.find((r) => r.id === threadId);
  const selectedQuery = useQuery({
    queryKey: conversationKey(threadId ?? ""),
    queryFn: ({ signal }) => fetchConversation(threadId!, signal),
    enabled: Boolean(threadId),
    placeholderData: fromList,
  });
  const selected = selectedQuery.data ?? fromList ?? null;

  // A thread shortcut pressed while a switch is still rendering waits for the new thread instead of
  // being dropped or acting on the previous conversation. State is read through refs set at commit:
  // a deferred render paints before its passive effects re-register the key listener.
  const switching = useRef(false);
  const queuedAction = useRef<((handle: ThreadHandle) => void) | null>(null);
  useLayoutEffect(() => {
    switching.current = selectedId !== threadId;
    if (switching.current || !thread.current || !queuedAction.current) return;
    const action = queuedAction.current;
    queuedAction.current = null;
    action(thread.current);
  }, [selectedId, threadId, selected?.id]);
  const onThread = useCallback((action: (handle: ThreadHandle) => void) => {
    if (!switching.current && thread.current) action(thread.current);
    else queuedAction.current = action;
  }, []);

  // ?c=<id> opens a conversation (links, reloads); ?view= keeps the view across reloads.
  useEffect(() => {
    const url = new URLSearchParams(window.location.search);
    const id = url.get("c");
    setSelectedId(id);
    setCursorId(id);
    const view = url.get("view") as InboxView | null;
    if (view && ["mine", "unassigned", "team", "all", "bot", "snoozed", "resolved"].includes(view))
      setFilters((f) => ({ ...f, view, team: url.get("team") ?? undefined }));
  }, []);

  const select = useCallback((id: string) => {
    queuedAction.current = null;
    setSelectedId(id);
    setCursorId(id);
    const url = new URL(window.location.href);
    url.searchParams.set("c", id);
    window.history.replaceState(null, "", url);
  }, []);

  const chooseView = useCallback((view: InboxView, team?: string) => {
    setFilters((f) => ({ ...f, view, team }));
    setCursorId(null);
    const url = new URL(window.location.href);
    url.searchParams.set("view", view);
    if (team) url.searchParams.set("team", team);
    else url.searchParams.delete("team");
    window.history.replaceState(null, "", url);
  }, []);

  // When the cursor's row leaves the list (resolved, snoozed, taken by someone), the cursor stays at the
  // same place: on the row that moved up into it.
  const cursorIndex = useRef(0);
  const cursorInRows = cursorId ? rows.findIndex((r) => r.id === cursorId) : -1;
  if (cursorInRows >= 0) cursorIndex.current = cursorInRows;
  useEffect(() => {
    if (rows.length === 0 || cursorInRows >= 0) return;
    if (cursorId === null && selectedId === null) return;
    setCursorId(rows[Math.min(cursorIndex.current, rows.length - 1)]!.id);
  }, [rows, cursorId, cursorInRows, selectedId]);

  const move = useCallback(
    (step: number) => {
      if (rows.length === 0) return;
      const index = cursorId ? rows.findIndex((r) => r.id === cursorId) : -1;
      const next = rows[index < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, index + step))];
      if (!next) return;
      setCursorId(next.id);
      // Focus follows, so screen readers announce the row and Enter opens it; rendered a frame later when
      // the virtualizer had to scroll it in.
      requestAnimationFrame(() =>
        document
          .querySelector<HTMLElement>(`[data-conversation-id="${next.id}"]`)
          ?.focus({ preventScroll: true }),
      );
    },
    [rows, cursorId],
  );

  useEffect(() => {
    function onPointer(event: PointerEvent) {
      region.current =
        (event.target as HTMLElement).closest<HTMLElement>("[data-region]")?.dataset.region ?? null;
    }
    document.addEventListener("pointerdown", onPointer, true);
    return () => document.removeEventListener("pointerdown", onPointer, true);
  }, []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if ((event.metaKey || event.ctrlKey) && !event.altKey && event.key.toLowerCase() === "k") {
        event.preventDefault();
        setOverlay((o) => (o === "palette" ? null : "palette"));
        return;
      }
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || overlay) return;
      const target = event.target as HTMLElement;
      if (
        target.closest(
          "input, textarea, select, [contenteditable=true], [role=menu], [role=dialog], [role=listbox]",
        )
      )
        return;
      const threadShortcut = (action: (handle: ThreadHandle) => void) => {
        if (!selectedId) return;
        event.preventDefault();
        onThread(action);
      };
      switch (event.key) {
        case "j":
        case "ArrowDown":
          event.preventDefault();
          return move(1);
        case "k":
        case "ArrowUp":
          event.preventDefault();
          return move(-1);
        case "Enter":
          // A focused button or link does its own thing (a row button opens its row).
          if (target.closest("button, a")) return;
          if (cursorId) {
            event.preventDefault();
            select(cursorId);
          }
          return;
        case "/": {
          event.preventDefault();
          const composer = document.querySelector<HTMLElement>("[data-composer-focus]");
          if (region.current === "conversation" && composer) composer.focus();
          else search.current?.focus();
          return;
        }
        case "?":
          event.preventDefault();
          return setOverlay("help");
        case "i":
          event.preventDefault();
          return toggleContact();
        case "r":
        case "n": {
          const mode = event.key === "r" ? "reply" : "note";
          return threadShortcut((t) => t.setMode(mode));
        }
        case "e":
          return threadShortcut((t) => t.header()?.resolve());
        case "a":
          return threadShortcut((t) => t.header()?.assignToMe());
        case "s":
          return threadShortcut((t) => t.header()?.openSnooze());
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [move, select, cursorId, overlay, toggleContact, selectedId, onThread]);

  const teams = useTeams();
  const myTeams = viewer.teamIds.map((id) => ({
    id,
    name: teams.data?.find((t) => t.id === id)?.name ?? "Team",
  }));
  const views: { view: InboxView; team?: string; label: string; count: number | null }[] = [
    { view: "mine", label: "Mine", count: counts.data?.mine ?? null },
    { view: "unassigned", label: "Unassigned", count: counts.data?.unassigned ?? null },
    ...myTeams.map((t) => ({
      view: "team" as const,
      team: t.id,
      label: t.name,
      count: counts.data ? (counts.data.teams[t.id] ?? 0) : null,
    })),
    { view: "all", label: "All", count: counts.data?.all ?? null },
    { view: "bot", label: "Bot", count: counts.data?.bot ?? null },
    { view: "snoozed", label: "Snoozed", count: counts.data?.snoozed ?? null },
    { view: "resolved", label: "Resolved", count: null },
  ];
  const current = views.find((v) => v.view === filters.view && v.team === filters.team) ?? views[0]!;

  const commands: Command[] = [
    ...views.map((v) => ({
      id: `view-${v.view}-${v.team ?? ""}`,
      group: "Go to",
      label: v.label,
      run: () => chooseView(v.view, v.team),
    })),
    ...(selected
      ? [
          selected.status === "resolved"
            ? {
                id: "reopen",
                group: "Conversation",
                label: "Reopen",
                run: () => onThread((t) => t.header()?.run({ kind: "reopen" })),
              }
            : {
                id: "resolve",
                group: "Conversation",
                label: "Resolve",
                hint: "e",
                run: () => onThread((t) => t.header()?.resolve()),
              },
          {
            id: "assign",
            group: "Conversation",
            label: "Assign to me",
            hint: "a",
            run: () => onThread((t) => t.header()?.assignToMe()),
          },
          {
            id: "assign-menu",
            group: "Conversation",
            label: "Assign to…",
            run: () => onThread((t) => t.header()?.openAssign()),
          },
          {
            id: "snooze",
            group: "Conversation",
            label: "Snooze…",
            hint: "s",
            run: () => onThread((t) => t.header()?.openSnooze()),
          },
          {
            id: "reply",
            group: "Conversation",
            label: "Reply",
            hint: "r",
            run: () => onThread((t) => t.setMode("reply")),
          },
          {
            id: "note",
            group: "Conversation",
            label: "Write a note",
            hint: "n",
            run: () => onThread((t) => t.setMode("note")),
          },
        ]
      : []),
    {
      id: "search",
      group: "Inbox",
      label: "Search conversations",
      hint: "/",
      run: () => search.current?.focus(),
    },
    { id: "help", group: "Inbox", label: "Keyboard shortcuts", hint: "?", run: () => setOverlay("help") },
  ];

  const filtered = Boolean(filters.label || filters.priority || filters.unread || filters.number);
  return (
    <div className="grid h-full grid-cols-[176px_minmax(280px,340px)_1fr]">
      <nav
        aria-label="Inbox views"
        data-region="rail"
        className="min-h-0 overflow-y-auto border-r border-slate-200 bg-slate-50 py-2 dark:border-slate-700 dark:bg-slate-900"
      >
        <ul>
          {views.map((v) => {
            const active = v === current;
            return (
              <li key={`${v.view}-${v.team ?? ""}`}>
                <button
                  type="button"
                  data-testid={v.team ? `view-team-${v.team}` : `view-${v.view}`}
                  aria-current={active ? "page" : undefined}
                  onClick={() => chooseView(v.view, v.team)}
                  className={`flex w-full items-center justify-between gap-2 px-4 py-1.5 text-left text-sm focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-emerald-600 ${
                    active
                      ? "bg-emerald-100 font-semibold text-emerald-950 dark:bg-emerald-900 dark:text-emerald-100"
                      : "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800"
                  } ${v.team ? "pl-6" : ""}`}
                >
                  <span className="truncate">{v.label}</span>
                  {v.count !== null && (
                    <span
                      data-testid="view-count"
                      className="text-xs tabular-nums text-slate-500 dark:text-slate-400"
                    >
                      {v.count}
                    </span>
                  )}
                </button>
              </li>
            );
          })}
        </ul>
        {counts.error && (
          <p role="alert" className="px-4 pt-2 text-xs text-red-700 dark:text-red-400">
            Counts unavailable
          </p>
        )}
      </nav>
      <aside
        data-region="list"
        className="flex min-h-0 flex-col border-r border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900"
      >
        <div className="flex items-center justify-between gap-2 px-3 pt-2.5 pb-2">
          <h1 className="truncate text-sm font-semibold">{current.label}</h1>
          <div className="flex items-center gap-1">
            <span
              data-testid="connection-state"
              className={`text-xs ${connection === "live" ? "text-emerald-700" : "text-amber-600"}`}
              title="Live updates"
            >
              {connection === "live"
                ? "● Live"
                : connection === "connecting"
                  ? "Connecting…"
                  : connection === "signed_out"
                    ? "Signed out"
                    : "Reconnecting…"}
            </span>
            <NotificationBell onOpen={select} />
            <button
              type="button"
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
              onClick={() => setOverlay("help")}
              className="rounded-md px-1.5 py-0.5 text-sm text-slate-500 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
            >
              ?
            </button>
          </div>
        </div>
        <SearchBox ref={search} onOpen={select} />
        <Filters filters={filters} onChange={setFilters} rows={rows} />
        <ConversationList
          rows={rows}
          loading={list.isPending}
          error={list.error?.message ?? null}
          selectedId={selectedId}
          activeId={cursorId}
          onSelect={select}
          hasMore={Boolean(list.hasNextPage)}
          loadingMore={list.isFetchingNextPage}
          onLoadMore={loadMore}
          onRetry={retry}
          empty={filtered ? FILTERED_EMPTY : EMPTY[filters.view]}
          now={now}
        />
      </aside>
      <section data-region="conversation" aria-label="Conversation" className="min-h-0 min-w-0">
        {selected ? (
          <div className="flex h-full min-w-0">
            <div className="min-w-0 flex-1">
              <Thread key={selected.id} ref={thread} conversation={selected} />
            </div>
            {contactOpen ? (
              <MemoContactPanel conversation={selected} onOpenConversation={select} onClose={toggleContact} />
            ) : (
              <button
                type="button"
                data-testid="contact-panel-toggle"
                onClick={toggleContact}
                aria-label="Show contact details"
                title="Contact details (i)"
                className="w-7 shrink-0 border-l border-slate-200 bg-slate-50 pt-3 text-xs text-slate-600 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300 dark:hover:bg-slate-800"
              >
                ⓘ
              </button>
            )}
          </div>
        ) : threadId && selectedQuery.error ? (
          <p role="alert" className="p-6 text-sm text-red-700 dark:text-red-400">
            Could not open this conversation: {selectedQuery.error.message}
          </p>
        ) : (
          <div className="flex h-full items-center justify-center text-sm text-slate-500 dark:text-slate-400">
            {rows.length
              ? "Select a conversation (j / k to move, Enter to open, ? for shortcuts)"
              : "No conversations here"}
          </div>
        )}
      </section>
      {overlay === "palette" && <CommandPalette commands={commands} onClose={() => setOverlay(null)} />}
      {overlay === "help" && <ShortcutsHelp onClose={() => setOverlay(null)} />}
    </div>
  );
}

const EMPTY: Record<InboxView, { title: string; body: string }> = {
  mine: {
    title: "Nothing assigned to you",
    body: "Take a conversation from Unassigned (a assigns the open one to you).",
  },
  unassigned: { title: "Everything is taken", body: "New conversations nobody has taken appear here." },
  team: { title: "No open conversations in this team", body: "They appear here as customers write." },
  all: { title: "Inbox zero", body: "New WhatsApp conversations appear here as they arrive." },
  bot: { title: "No conversations with the bot", body: "Conversations the bot is handling appear here." },
  snoozed: {
    title: "Nothing snoozed",
    body: "Snoozed conversations come back at their time, or when the customer writes.",
  },
  resolved: { title: "Nothing resolved yet", body: "Resolved conversations are kept here." },
};
const FILTERED_EMPTY = { title: "No conversations match these filters", body: "Clear a filter to see more." };

function Filters({
  filters,
  onChange,
  rows,
}: {
  filters: ListFilters;
  onChange: (next: ListFilters) => void;
  rows: ConversationSummary[];
}) {
  const labels = useLabels();
  // Numbers as the list has shown them (agents cannot list numbers, but they see their conversations').
  const seen = useRef(new Map<string, string>());
  for (const row of rows) seen.current.set(row.number.id, row.number.display_number);
  const numbers = [...seen.current.entries()];
  const select =
    "min-w-0 rounded border border-slate-200 bg-white px-1.5 py-1 text-xs text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200";
  return (
    <div
      role="group"
      aria-label="Filters"
      className="flex flex-wrap items-center gap-1.5 border-b border-slate-200 px-3 pb-2 dark:border-slate-700"
    >
      <select
        aria-label="Label"
        data-testid="filter-label"
        value={filters.label ?? ""}
        onChange={(event) => onChange({ ...filters, label: event.target.value || undefined })}
        className={select}
      >
        <option value="">Any label</option>
        {labels.data?.map((label) => (
          <option key={label.id} value={label.id}>
            {label.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Priority"
        data-testid="filter-priority"
        value={filters.priority ?? ""}
        onChange={(event) =>
          onChange({ ...filters, priority: (event.target.value || undefined) as ListFilters["priority"] })
        }
        className={select}
      >
        <option value="">Any priority</option>
        {conversationPriorities.map((p) => (
          <option key={p} value={p}>
            {p[0]!.toUpperCase() + p.slice(1)}
          </option>
        ))}
      </select>
      {numbers.length > 1 && (
        <select
          aria-label="Number"
          data-testid="filter-number"
          value={filters.number ?? ""}
          onChange={(event) => onChange({ ...filters, number: event.target.value || undefined })}
          className={select}
        >
          <option value="">Any number</option>
          {numbers.map(([id, display]) => (
            <option key={id} value={id}>
              {display}
            </option>
          ))}
        </select>
      )}
      <select
        aria-label="Sort"
        data-testid="sort"
        value={filters.sort}
        onChange={(event) => onChange({ ...filters, sort: event.target.value as ListFilters["sort"] })}
        className={select}
      >
        <option value="recent">Recent activity</option>
        <option value="waiting">Longest waiting</option>
      </select>
      <label className="flex items-center gap-1 text-xs text-slate-700 dark:text-slate-200">
        <input
          type="checkbox"
          data-testid="filter-unread"
          checked={Boolean(filters.unread)}
          onChange={(event) => onChange({ ...filters, unread: event.target.checked || undefined })}
        />
        Unread
      </label>
      {(filters.label || filters.priority || filters.unread || filters.number) && (
        <button
          type="button"
          onClick={() => onChange({ view: filters.view, team: filters.team, sort: filters.sort })}
          className="text-xs text-emerald-800 hover:underline"
        >
          Clear
        </button>
      )}
    </div>
  );
}

/** The current time, refreshed every minute: for waiting and window badges. */
function useMinute(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const CONTACT_PANEL_KEY = "tandem.contact-panel";

/** The contact panel's open state, remembered per browser ("i" toggles it). */
function useContactPanelOpen(): [boolean, () => void] {
  const [open, setOpen] = useState(true);
  useEffect(() => {
    if (window.localStorage.getItem(CONTACT_PANEL_KEY) === "closed") setOpen(false);
  }, []);
  const toggle = useCallback(() => {
    setOpen((was) => {
      window.localStorage.setItem(CONTACT_PANEL_KEY, was ? "closed" : "open");
      return !was;
    });
  }, []);
  return [open, toggle];
}
