"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Fragment,
  useCallback,
  useEffect,
  useImperativeHandle,
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
import { dayLabel } from "@/lib/utils/format";
import { Composer, type ComposerHandle, type ComposerMode } from "./composer";
import { ConversationHeader, type HeaderHandle } from "./conversation-header";
import { useNames } from "./inbox-context";
import { MessageBubble } from "./message-bubble";
import { mentionSegments } from "./mentions";
import { describeEvent, mergeTimeline, type Names } from "./timeline";
import {
  discardPending,
  matchPending,
  retryPending,
  settlePending,
  usePending,
  type OutboxItem,
} from "./outbox";

/** What the inbox's shortcuts reach in the open conversation. */
export type ThreadHandle = {
  header(): HeaderHandle | null;
  setMode(mode: ComposerMode): void;
};

export function Thread({
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
  const header = useRef<HeaderHandle>(null);
  const messages = useQuery({
    queryKey: queryKeys.messages(conversation.id),
    queryFn: () => api<Page<MessageDto>>(`/api/v1/conversations/${conversation.id}/messages?limit=50`),
  });
  const events = useQuery({
    queryKey: queryKeys.events(conversation.id),
    queryFn: () => fetchTimeline(conversation.id),
  });
  const markRead = useMutation({
    mutationFn: () => api(`/api/v1/conversations/${conversation.id}/read`, { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all }),
  });
  const { mutate } = markRead;
  const bottom = useRef<HTMLDivElement>(null);
  const composer = useRef<ComposerHandle>(null);
  const [replyTo, setReplyTo] = useState<MessageDto | null>(null);
  const [wantsTemplate, setWantsTemplate] = useState(false);
  const [dragging, setDragging] = useState(false);
  const rows = useMemo(() => messages.data?.data ?? [], [messages.data]);
  const pending = usePending(conversation.id);
  const byWamid = useMemo(() => new Map(rows.filter((m) => m.wamid).map((m) => [m.wamid!, m])), [rows]);
  // A send keeps its own bubble until the thread's data has its message (no flicker, no duplicate).
  const matched = useMemo(() => matchPending(pending, rows), [pending, rows]);
  const unsettled = pending.filter((p) => !matched.has(p.key));
  const items = useMemo(
    () =>
      mergeTimeline(rows, events.data?.data ?? [], {
        olderMessages: Boolean(messages.data?.next_cursor),
      }),
    [rows, events.data, messages.data?.next_cursor],
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
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [items.length, unsettled.length, conversation.id]);

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
      <div
        data-testid="thread"
        aria-label={`Conversation with ${contact.name}`}
        className="min-h-0 flex-1 overflow-y-auto bg-[#efeae2] px-5 py-4"
      >
        {messages.isPending && <p className="text-sm text-slate-500">Loading messages…</p>}
        {messages.error && (
          <p role="alert" className="text-sm text-red-700">
            Could not load messages: {messages.error.message}
          </p>
        )}
        {events.error && (
          <p role="alert" className="mb-2 text-xs text-amber-800">
            Could not load the timeline (notes, assignments): {events.error.message}
          </p>
        )}
        {items.map((item, i) => {
          const day = dayLabel(item.at);
          const showDay = i === 0 || dayLabel(items[i - 1]!.at) !== day;
          const key = item.kind === "message" ? item.message.id : `e:${item.event.id}`;
          return (
            <Fragment key={key}>
              {showDay && (
                <div className="my-3 text-center">
                  <span className="rounded-md bg-white/80 px-2 py-0.5 text-xs text-slate-600 shadow-sm">
                    {day}
                  </span>
                </div>
              )}
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
            </Fragment>
          );
        })}
        {unsettled.map((item) =>
          item.message ? (
            <MessageBubble
              key={item.key}
              message={item.message}
              quoted={item.message.reply_to ? (byWamid.get(item.message.reply_to) ?? null) : null}
              onSendTemplate={sendTemplate}
            />
          ) : (
            <MessageBubble
              key={item.key}
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
          ),
        )}
        <div ref={bottom} />
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
          className="pointer-events-none absolute inset-0 flex items-center justify-center border-4 border-dashed border-emerald-500 bg-emerald-50/80 text-sm font-medium text-emerald-900"
        >
          Drop files to attach them
        </div>
      )}
    </div>
  );
}

/** A system row: "Ann assigned this to Bob", "Resolved by Ann", "Label VIP added". */
function TimelineRow({ event, names }: { event: TimelineEventDto; names: Names }) {
  const time = new Date(event.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <div data-testid="timeline-event" data-type={event.type} className="my-2 flex justify-center">
      <p className="max-w-[80%] rounded-md bg-white/70 px-2.5 py-1 text-center text-xs text-slate-600 shadow-sm">
        {describeEvent(event, names)} <span className="text-slate-400">· {time}</span>
      </p>
    </div>
  );
}

/** A private note: yellow, full width of the bubble column, with its author and @mentions marked. */
function NoteBubble({ event, names }: { event: TimelineEventDto; names: Names }) {
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
  const time = new Date(event.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <div data-testid="note" className="my-1.5 flex justify-center">
      <div className="w-full max-w-[80%] rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm shadow-sm">
        <p className="mb-0.5 flex justify-between gap-2 text-[11px] text-amber-900">
          <span>
            <span className="font-semibold">{author}</span> · private note
          </span>
          <span>{time}</span>
        </p>
        <p className="break-words whitespace-pre-wrap text-slate-800">
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
}

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
