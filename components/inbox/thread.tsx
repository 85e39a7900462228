"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  memo,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type Ref,
} from "react";
import { api } from "@/lib/client/api";
import { fetchTimeline } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary, MessageDto, Page, TimelineEventDto } from "@/lib/conversations/schemas";
import { Composer, type ComposerHandle, type ComposerMode } from "./composer";
import { ConversationHeader, type HeaderHandle } from "./conversation-header";
import { useNames } from "./inbox-context";
import { MessageBubble, timeOfDay } from "./message-bubble";
import { mentionSegments } from "./mentions";
import { describeEvent, mergeTimeline, type Names } from "./timeline";
import { flattenPages, HISTORY_DIVIDER, threadRows, type Divider, type ThreadRow } from "./thread-rows";
import { describePresence, useConversationPresence } from "./presence";
import {
  discardPending,
  matchPending,
  retryPending,
  settlePending,
  usePending,
  type OutboxItem,
} from "./outbox";

const PAGE_SIZE = 50;
const ESTIMATED_ROW_PX = 64;
/** Within this distance of the end the reader counts as "at the newest message". */
const AT_BOTTOM_PX = 48;
const PADDING_PX = 16;

// Row heights measured in threads opened before, by row key, and the scroller's last size: reopening a
// conversation (a switch back) lays out at the right place at once, with no measured row moving the
// scroll position and no second render for the viewport's real height.
const knownSizes = new Map<string, number>();
const KNOWN_SIZES_MAX = 20_000;
let lastRect = { width: 0, height: 0 };

type Row = (ThreadRow & { kind: "item" }) | { key: string; kind: "pending"; pending: OutboxItem };

/** What the inbox's shortcuts reach in the open conversation. */
export type ThreadHandle = {
  header(): HeaderHandle | null;
  setMode(mode: ComposerMode): void;
};

// Memoized: the inbox re-renders for list pages and counts; the thread only when its conversation changes.
export const Thread = memo(function Thread({
  conversation,
  onLeave,
  ref,
}: {
  conversation: ConversationSummary;
  /** The conversation left the agent's queue (resolved, snoozed): the inbox moves on to the next one. */
  onLeave?: (conversationId: string) => void;
  ref?: Ref<ThreadHandle>;
}) {
  const queryClient = useQueryClient();
  const names = useNames();
  const others = useConversationPresence(conversation.id, names.me ?? "");
  const collision = describePresence(others);
  const header = useRef<HeaderHandle>(null);
  // Newest page first; each older page comes from the previous page's cursor. A nudge refetches every
  // loaded page in turn from the newest, so the pages stay contiguous (no gap after a long disconnect).
  const messages = useInfiniteQuery({
    queryKey: queryKeys.messages(conversation.id),
    queryFn: ({ pageParam, signal }) =>
      api<Page<MessageDto>>(
        `/api/v1/conversations/${conversation.id}/messages?limit=${PAGE_SIZE}${
          pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""
        }`,
        { signal },
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  });
  const events = useQuery({
    queryKey: queryKeys.events(conversation.id),
    queryFn: ({ signal }) => fetchTimeline(conversation.id, signal),
  });
  const markRead = useMutation({
    mutationFn: () => api(`/api/v1/conversations/${conversation.id}/read`, { method: "POST" }),
    // Not cancelling a list fetch in flight: with the thread open each new message marks it read again,
    // and cancelled fetches pile up on the browser's connections; the "read" nudge refetches after commit.
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all }, { cancelRefetch: false }),
  });
  const { mutate } = markRead;
  const scroller = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const [replyTo, setReplyTo] = useState<MessageDto | null>(null);
  const [wantsTemplate, setWantsTemplate] = useState(false);
  const [dragging, setDragging] = useState(false);
  const rows = useMemo(() => flattenPages(messages.data), [messages.data]);
  const pending = usePending(conversation.id);
  const byWamid = useMemo(() => new Map(rows.filter((m) => m.wamid).map((m) => [m.wamid!, m])), [rows]);
  // A send keeps its own bubble until the thread's data has its message (no flicker, no duplicate).
  const matched = useMemo(() => matchPending(pending, rows), [pending, rows]);
  const unsettled = useMemo(() => pending.filter((p) => !matched.has(p.key)), [pending, matched]);
  const hasOlder = messages.hasNextPage;
  const items = useMemo(
    () => mergeTimeline(rows, events.data?.data ?? [], { olderMessages: hasOlder }),
    [rows, events.data, hasOlder],
  );
  const listRows = useMemo<Row[]>(
    () => [
      ...threadRows(items, { hasOlder }).map((row) => ({ ...row, kind: "item" as const })),
      ...unsettled.map((item) => ({ key: item.key, kind: "pending" as const, pending: item })),
    ],
    [items, hasOlder, unsettled],
  );
  const loaded = !messages.isPending;
  // Opening a conversation starts at its newest message: put the scroller at the end before the
  // virtualizer (whose layout effects run after this one) reads its offset, so the first painted frame
  // already holds the newest rows instead of rendering the oldest ones first and then scrolling.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!loaded || !el) return;
    el.scrollTop = el.scrollHeight;
    lastRect = { width: el.clientWidth, height: el.clientHeight };
  }, [loaded]);
  const estimate = (index: number) => knownSizes.get(String(listRows[index]?.key)) ?? ESTIMATED_ROW_PX;
  const virtualizer = useVirtualizer({
    count: listRows.length,
    // The first render (before the scroller has been read) picks the rows at the end, too, for the
    // scroller's size the last thread had.
    initialOffset: () => {
      let total = 2 * PADDING_PX;
      for (let index = 0; index < listRows.length; index++) total += estimate(index);
      return Math.max(0, total - lastRect.height);
    },
    initialRect: lastRect,
    getScrollElement: () => scroller.current,
    estimateSize: estimate,
    getItemKey: (index) => listRows[index]?.key ?? index,
    // A switch mounts every rendered row: a few beyond the viewport are enough for wheel scrolling.
    overscan: 6,
    // The list's own top and bottom space, known to the virtualizer (CSS padding would skew its offsets).
    paddingStart: PADDING_PX,
    paddingEnd: PADDING_PX,
    // Chat mode: prepending older rows keeps the row being read where it is, and rows appended while
    // the reader sits at the bottom scroll into view.
    anchorTo: "end",
    followOnAppend: true,
    scrollEndThreshold: AT_BOTTOM_PX,
  });
  // A row above the top edge that changes size moves everything below it, so the scroll position follows
  // it, also when it is re-measured after the last scroll went up (paging back): the library's default
  // skips those, and a prepended row that settles a line taller then pushed the row being read down.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) =>
    item.start < (instance.scrollOffset ?? 0);
  const virtualItems = virtualizer.getVirtualItems();
  const firstIndex = virtualItems[0]?.index ?? 0;
  const { fetchNextPage, isFetchingNextPage } = messages;
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);
  // False until the first scroll to the newest message has landed: no older page is fetched before.
  const [settled, setSettled] = useState(false);
  const lastKey = listRows.at(-1)?.key;
  const seenLastKey = useRef<string | undefined>(undefined);

  // The sizes measured here serve the next time this conversation opens.
  useEffect(
    () => () => {
      if (knownSizes.size > KNOWN_SIZES_MAX) knownSizes.clear();
      for (const [key, size] of virtualizer.itemSizeCache) knownSizes.set(String(key), size);
    },
    [virtualizer],
  );

  useImperativeHandle(ref, () => ({
    header: () => header.current,
    setMode: (mode) => composer.current?.setMode(mode),
  }));

  useEffect(() => {
    if (conversation.unread_count > 0) mutate();
  }, [conversation.id, conversation.unread_count, mutate]);
  useEffect(() => {
    settlePending(conversation.id, rows);
  }, [conversation.id, rows, pending]);
  // Then once more after the rows near it have been measured.
  useEffect(() => {
    if (!loaded) return;
    seenLastKey.current = undefined;
    setUnseen(0);
    setAtBottom(true);
    setSettled(false);
    // The layout effect above put the scroller at the end; when the newest row was rendered there, only
    // rows measured since can move it (one write at most, none for a thread opened before).
    const done = () => setSettled(true);
    if (virtualItems.at(-1)?.index === listRows.length - 1) settleAtEnd(scroller.current, done);
    else scrollToEnd(virtualizer, scroller.current, done);
    // Only when another conversation opens or the first page arrives, not on every new row.
  }, [conversation.id, loaded]);
  // Scrolled near the top: fetch the next older page (the virtualizer keeps the reading position).
  useEffect(() => {
    if (hasOlder && !isFetchingNextPage && settled && firstIndex <= 2 && virtualItems.length > 0)
      void fetchNextPage();
  }, [hasOlder, isFetchingNextPage, settled, firstIndex, virtualItems.length, fetchNextPage]);
  // A new row at the end while the reader is up in the history: count it for the pill instead of jumping.
  useEffect(() => {
    if (!lastKey || lastKey === seenLastKey.current) return;
    const previous = seenLastKey.current;
    seenLastKey.current = lastKey;
    if (previous === undefined) return;
    // At the bottom, or the agent's own send: follow it.
    if (atBottom || listRows.at(-1)?.kind === "pending") return scrollToEnd(virtualizer, scroller.current);
    // A pending send that became its message is not new to anyone (its key is gone, not appended to).
    const from = listRows.findIndex((r) => r.key === previous);
    const added = from < 0 ? 0 : listRows.slice(from + 1).filter((r) => r.kind === "item").length;
    if (added > 0) setUnseen((n) => n + added);
  }, [lastKey, atBottom, virtualizer, listRows]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottomNow = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_BOTTOM_PX;
    if (bottomNow !== atBottom) setAtBottom(bottomNow);
    if (bottomNow && unseen > 0) setUnseen(0);
  }

  function jumpToNewest() {
    setUnseen(0);
    setAtBottom(true);
    scrollToEnd(virtualizer, scroller.current);
  }

  const clearReply = useCallback(() => setReplyTo(null), []);
  const sendTemplate = useCallback(() => setWantsTemplate(true), []);

  function onDrag(event: DragEvent) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    if (event.type === "dragleave") {
      // Leaving for a child element is not leaving the thread.
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
    } else setDragging(true);
  }

  function onDrop(event: DragEvent) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    setDragging(false);
    composer.current?.attach(Array.from(event.dataTransfer.files));
  }

  function renderRow(row: Row) {
    if (row.kind === "pending") {
      const item = row.pending;
      return item.message ? (
        <MessageBubble
          message={item.message}
          quoted={item.message.reply_to ? (byWamid.get(item.message.reply_to) ?? null) : null}
          onSendTemplate={sendTemplate}
        />
      ) : (
        <MessageBubble
          message={pendingMessage(item)}
          quoted={item.preview.replyTo ? (byWamid.get(item.preview.replyTo) ?? null) : null}
          pending={{
            item,
            onRetry: () => retryPending(queryClient, item.key),
            onDiscard: () => discardPending(item.key),
            // A closed window takes no free text: nothing to edit the text back into.
            onEdit:
              item.draft && item.error?.code !== "window_closed"
                ? () => {
                    if (composer.current?.restore(item.draft!)) discardPending(item.key);
                  }
                : null,
          }}
        />
      );
    }
    const item = row.item;
    return (
      <>
        {row.start && (
          <p
            data-testid="thread-start"
            className="py-2 text-center text-xs text-slate-500 dark:text-slate-400"
          >
            Start of the conversation
          </p>
        )}
        {row.before.map((divider) => (
          <DividerRow key={divider.kind} divider={divider} />
        ))}
        {item.kind === "message" ? (
          <MessageBubble
            message={item.message}
            quoted={item.message.reply_to ? (byWamid.get(item.message.reply_to) ?? null) : null}
            onReply={setReplyTo}
            onSendTemplate={sendTemplate}
          />
        ) : item.kind === "note" ? (
          <NoteBubble event={item.event} names={names} />
        ) : (
          <TimelineRow event={item.event} names={names} />
        )}
        {row.after.map((divider) => (
          <DividerRow key={divider.kind} divider={divider} />
        ))}
      </>
    );
  }

  const contact = conversation.contact;
  return (
    <div
      className="relative flex h-full flex-col"
      onDragEnter={onDrag}
      onDragOver={onDrag}
      onDragLeave={onDrag}
      onDrop={onDrop}
    >
      <ConversationHeader ref={header} conversation={conversation} onLeave={onLeave} />
      {(collision.viewing || collision.typing) && (
        <p
          data-testid="presence"
          aria-live="polite"
          className="flex items-center gap-1.5 border-b border-amber-200 bg-amber-50 px-5 py-1 text-xs text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-amber-500" />
          {collision.typing && <span data-testid="presence-typing">{collision.typing}</span>}
          {collision.typing && collision.viewing && <span aria-hidden>·</span>}
          {collision.viewing && <span data-testid="presence-viewing">{collision.viewing}</span>}
        </p>
      )}
      <div className="relative min-h-0 flex-1">
        <div
          ref={scroller}
          data-testid="thread"
          aria-label={`Conversation with ${contact.name}`}
          onScroll={onScroll}
          className="h-full overflow-y-auto bg-[#efeae2] px-5 [overflow-anchor:none] dark:bg-slate-900"
        >
          {messages.isPending && (
            <p className="py-4 text-sm text-slate-500 dark:text-slate-400">Loading messages…</p>
          )}
          {messages.error && (
            <p role="alert" className="py-4 text-sm text-red-700 dark:text-red-400">
              Could not load messages: {messages.error.message}
            </p>
          )}
          {events.error && (
            <p role="alert" className="pt-2 text-xs text-amber-800 dark:text-amber-300">
              Could not load the timeline (notes, assignments): {events.error.message}
            </p>
          )}
          {!messages.isPending && (
            <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
              {virtualItems.map((virtual) => {
                const row = listRows[virtual.index];
                if (!row) return null;
                return (
                  <div
                    key={virtual.key}
                    data-index={virtual.index}
                    ref={virtualizer.measureElement}
                    className="absolute top-0 left-0 flow-root w-full"
                    style={{ transform: `translateY(${virtual.start}px)` }}
                  >
                    {renderRow(row)}
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {hasOlder && isFetchingNextPage && (
          <p
            data-testid="loading-older"
            className="pointer-events-none absolute top-2 left-1/2 -translate-x-1/2 rounded-full bg-white/90 px-3 py-1 text-xs text-slate-600 shadow dark:bg-slate-800 dark:text-slate-300"
          >
            Loading older messages…
          </p>
        )}
        {unseen > 0 && (
          <button
            type="button"
            data-testid="new-messages-pill"
            onClick={jumpToNewest}
            className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-emerald-600 px-3 py-1 text-xs font-medium text-white shadow-md hover:bg-emerald-700 focus:ring-2 focus:ring-emerald-300 focus:outline-none"
          >
            {unseen === 1 ? "1 new message" : `${unseen} new messages`} ↓
          </button>
        )}
      </div>
      <Composer
        ref={composer}
        conversation={conversation}
        replyTo={replyTo}
        onClearReply={clearReply}
        wantsTemplate={wantsTemplate}
        onWantsTemplate={setWantsTemplate}
      />
      {dragging && (
        <div
          data-testid="drop-overlay"
          className="pointer-events-none absolute inset-0 flex items-center justify-center border-4 border-dashed border-emerald-500 bg-emerald-50/80 text-sm font-medium text-emerald-900 dark:text-emerald-200"
        >
          Drop files to attach them
        </div>
      )}
    </div>
  );
});

/** A day ("Yesterday") or the start of messages imported from the owner's phone. */
const DividerRow = memo(function DividerRow({ divider }: { divider: Divider }) {
  if (divider.kind === "day")
    return (
      <div data-testid="day-divider" className="py-3 text-center">
        <span className="rounded-md bg-white/80 px-2 py-0.5 text-xs text-slate-600 shadow-sm dark:bg-slate-800 dark:text-slate-300">
          {divider.label}
        </span>
      </div>
    );
  return (
    <div data-testid="history-divider" role="separator" className="flex items-center gap-2 py-3">
      <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
      <span className="text-xs text-slate-600 dark:text-slate-400">{HISTORY_DIVIDER}</span>
      <span className="h-px flex-1 bg-slate-300 dark:bg-slate-700" />
    </div>
  );
});

/** A system row: "Ann assigned this to Bob", "Resolved by Ann", "Label VIP added". */
const TimelineRow = memo(function TimelineRow({ event, names }: { event: TimelineEventDto; names: Names }) {
  const time = timeOfDay.format(new Date(event.at));
  return (
    <div data-testid="timeline-event" data-type={event.type} className="my-2 flex justify-center">
      <p className="max-w-[80%] rounded-md bg-white/70 px-2.5 py-1 text-center text-xs text-slate-600 shadow-sm dark:bg-slate-800 dark:text-slate-300">
        {describeEvent(event, names)} <span className="text-slate-400">· {time}</span>
      </p>
    </div>
  );
});

/** A private note: yellow, full width of the bubble column, with its author and @mentions marked. */
const NoteBubble = memo(function NoteBubble({ event, names }: { event: TimelineEventDto; names: Names }) {
  const data = (event.data ?? {}) as { body?: unknown; mentions?: unknown };
  const body = typeof data.body === "string" ? data.body : "";
  const mentioned = Array.isArray(data.mentions)
    ? data.mentions.map((id) => (typeof id === "string" ? names.people?.get(id) : undefined))
    : [];
  const segments = mentionSegments(
    body,
    mentioned.filter((n): n is string => Boolean(n)),
  );
  const author = event.actor_id === names.me ? "You" : (event.actor_name ?? "Someone");
  const time = timeOfDay.format(new Date(event.at));
  return (
    <div data-testid="note" className="my-1.5 flex justify-center">
      <div className="w-full max-w-[80%] rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm shadow-sm dark:bg-amber-950">
        <p className="mb-0.5 flex justify-between gap-2 text-[11px] text-amber-900 dark:text-amber-200">
          <span>
            <span className="font-semibold">{author}</span> · private note
          </span>
          <span>{time}</span>
        </p>
        <p className="break-words whitespace-pre-wrap text-slate-800 dark:text-slate-100">
          {segments.map((segment, i) =>
            segment.mention ? (
              <span
                key={i}
                data-testid="note-mention"
                className="rounded bg-amber-200 px-0.5 font-medium text-amber-950"
              >
                {segment.text}
              </span>
            ) : (
              <span key={i}>{segment.text}</span>
            ),
          )}
        </p>
      </div>
    </div>
  );
});

/** The bubble of a send the server has not answered yet, shaped like the message it will become. */
function pendingMessage(item: OutboxItem): MessageDto {
  const file = item.preview.file;
  return {
    id: item.key,
    wamid: null,
    conversation_id: item.conversationId,
    direction: "outbound",
    source: "agent",
    type: item.preview.type,
    text: item.preview.text,
    content: null,
    timestamp: item.createdAt,
    status: item.state === "failed" ? "failed" : "queued",
    error: null,
    author: null,
    edited: false,
    revoked: false,
    reply_to: item.preview.replyTo,
    ...(file
      ? {
          media: {
            id: item.key,
            state: "stored" as const,
            mime_type: file.mime_type,
            size: file.size,
            filename: file.filename,
            error: null,
            url: file.url ?? "",
          },
        }
      : {}),
  };
}

/** To the newest row, then to the real end once rows near it have been measured. */
function scrollToEnd(
  virtualizer: { scrollToIndex(index: number, options: { align: "end" }): void; options: { count: number } },
  el: HTMLElement | null,
  done?: () => void,
) {
  const last = virtualizer.options.count - 1;
  if (last >= 0) virtualizer.scrollToIndex(last, { align: "end" });
  settleAtEnd(el, done);
}

/**
 * Keeps the scroller at its end for the next two frames, while rows near it are measured, writing the
 * scroll position only when it is not there (each write lays out the thread and re-renders it).
 */
function settleAtEnd(el: HTMLElement | null, done?: () => void) {
  const toEnd = () => {
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight > 1) el.scrollTop = el.scrollHeight;
  };
  requestAnimationFrame(() => {
    toEnd();
    requestAnimationFrame(() => {
      toEnd();
      done?.();
    });
  });
}
