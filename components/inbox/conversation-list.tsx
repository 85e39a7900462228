"use client";

import type { ConversationSummary } from "@/lib/conversations/schemas";
import { initials, shortTime } from "@/lib/utils/format";

type Props = {
  rows: ConversationSummary[];
  loading: boolean;
  error: string | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
};

export function ConversationList({ rows, loading, error, selectedId, onSelect }: Props) {
  if (loading) return <p className="p-4 text-sm text-slate-500">Loading conversations…</p>;
  if (error)
    return (
      <p role="alert" className="p-4 text-sm text-red-700">
        Could not load conversations: {error}
      </p>
    );
  if (rows.length === 0) {
    return (
      <div className="p-6 text-center text-sm text-slate-500">
        <p className="font-medium text-slate-700">Inbox zero</p>
        <p className="mt-1">New WhatsApp conversations appear here as they arrive.</p>
      </div>
    );
  }
  return (
    <ul data-testid="conversation-list" className="min-h-0 flex-1 overflow-y-auto">
      {rows.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            onClick={() => onSelect(c.id)}
            aria-current={c.id === selectedId}
            data-testid="conversation-row"
            className={`flex w-full items-start gap-3 border-b border-slate-100 px-4 py-3 text-left hover:bg-slate-50 ${
              c.id === selectedId ? "bg-emerald-50" : ""
            }`}
          >
            <span className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-emerald-100 text-xs font-semibold text-emerald-800">
              {initials(c.contact.name)}
            </span>
            <span className="min-w-0 flex-1">
              <span className="flex items-baseline justify-between gap-2">
                <span className="truncate text-sm font-medium">{c.contact.name}</span>
                <span className="shrink-0 text-xs text-slate-500">{shortTime(c.last_message_at)}</span>
              </span>
              <span className="flex items-center justify-between gap-2">
                <span className="truncate text-xs text-slate-600">{c.last_message_preview}</span>
                {c.unread_count > 0 && (
                  <span className="shrink-0 rounded-full bg-emerald-600 px-1.5 text-[10px] font-semibold text-white">
                    {c.unread_count}
                  </span>
                )}
              </span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
