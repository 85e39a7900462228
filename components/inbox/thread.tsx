"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary, MessageDto, Page } from "@/lib/conversations/schemas";
import { dayLabel } from "@/lib/utils/format";
import { Composer, type ComposerHandle } from "./composer";
import { MessageBubble } from "./message-bubble";
import {
  discardPending,
  matchPending,
  retryPending,
  settlePending,
  usePending,
  type OutboxItem,
} from "./outbox";

export function Thread({ conversation }: { conversation: ConversationSummary }) {
  const queryClient = useQueryClient();
  const messages = useQuery({
    queryKey: queryKeys.messages(conversation.id),
    queryFn: () => api<Page<MessageDto>>(`/api/v1/conversations/${conversation.id}/messages?limit=50`),
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

  useEffect(() => {
    if (conversation.unread_count > 0) mutate();
  }, [conversation.id, conversation.unread_count, mutate]);
  useEffect(() => {
    settlePending(conversation.id, rows);
  }, [conversation.id, rows, pending]);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [rows.length, unsettled.length, conversation.id]);

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
      <div className="border-b border-slate-200 bg-white px-5 py-3">
        <h2 data-testid="thread-title" className="text-sm font-semibold">
          {contact.name}
        </h2>
        <p className="text-xs text-slate-500">
          {[
            contact.phone && `+${contact.phone}`,
            contact.username && `@${contact.username}`,
            `via ${conversation.number.display_number}`,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      </div>
      <div data-testid="thread" className="min-h-0 flex-1 overflow-y-auto bg-[#efeae2] px-5 py-4">
        {messages.isPending && <p className="text-sm text-slate-500">Loading messages…</p>}
        {messages.error && (
          <p role="alert" className="text-sm text-red-700">
            Could not load messages: {messages.error.message}
          </p>
        )}
        {rows.map((m, i) => {
          const day = dayLabel(m.timestamp);
          const showDay = i === 0 || dayLabel(rows[i - 1]!.timestamp) !== day;
          return (
            <Fragment key={m.id}>
              {showDay && (
                <div className="my-3 text-center">
                  <span className="rounded-md bg-white/80 px-2 py-0.5 text-xs text-slate-600 shadow-sm">
                    {day}
                  </span>
                </div>
              )}
              <MessageBubble
                message={m}
                quoted={m.reply_to ? (byWamid.get(m.reply_to) ?? null) : null}
                onReply={setReplyTo}
                onSendTemplate={sendTemplate}
              />
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
