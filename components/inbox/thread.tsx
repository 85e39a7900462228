"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useEffect, useRef } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type { ConversationSummary, MessageDto, Page } from "@/lib/conversations/schemas";
import { dayLabel } from "@/lib/utils/format";
import { MessageBubble } from "./message-bubble";

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
  const rows = messages.data?.data ?? [];

  useEffect(() => {
    if (conversation.unread_count > 0) mutate();
  }, [conversation.id, conversation.unread_count, mutate]);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [rows.length, conversation.id]);

  const contact = conversation.contact;
  return (
    <div className="flex h-full flex-col">
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
              <MessageBubble message={m} />
            </Fragment>
          );
        })}
        <div ref={bottom} />
      </div>
    </div>
  );
}
