"use client";

import { useState, type ReactNode } from "react";
import type { OutboundMessageInput } from "@/lib/messaging/schemas";

type Pick = (reply: { id: string; title: string }) => void;

/**
 * A bot message as the customer sees it in WhatsApp: a bubble, reply buttons under it, or a list that opens
 * its rows. With `onPick`, buttons and rows are tappable (the simulator).
 */
export function MessageBubble({ message, onPick }: { message: OutboundMessageInput; onPick?: Pick }) {
  const [listOpen, setListOpen] = useState(false);
  if (message.type !== "text" && message.type !== "interactive") return <Bubble>[{message.type}]</Bubble>;
  if (message.type === "text") return <Bubble>{rich(message.text)}</Bubble>;
  return (
    <div className="max-w-[85%]" data-testid="preview-interactive">
      <Bubble flat>
        {message.header && <p className="mb-1 font-semibold">{message.header}</p>}
        {rich(message.body)}
        {message.footer && <p className="mt-1 text-[13px] text-slate-500">{message.footer}</p>}
        {message.kind === "list" && message.list && (
          <button
            type="button"
            onClick={() => setListOpen((o) => !o)}
            className="mt-2 block w-full border-t border-slate-200 pt-1.5 text-center text-[14px] font-medium text-sky-600"
          >
            ☰ {message.list.button}
          </button>
        )}
      </Bubble>
      {message.kind === "button" &&
        message.buttons?.map((b) => (
          <button
            key={b.id}
            type="button"
            data-testid="preview-button"
            disabled={!onPick}
            onClick={() => onPick?.(b)}
            className="mt-1 block w-full rounded-lg bg-white py-1.5 text-center text-[14px] font-medium text-sky-600 shadow-sm enabled:hover:bg-sky-50"
          >
            {b.title}
          </button>
        ))}
      {message.kind === "list" && message.list && listOpen && (
        <div className="mt-1 rounded-lg bg-white p-2 shadow-sm" data-testid="preview-list">
          {message.list.sections.map((section, s) => (
            <div key={s}>
              {section.title && (
                <p className="px-1 pb-1 text-xs font-medium text-emerald-700">{section.title}</p>
              )}
              {section.rows.map((row) => (
                <button
                  key={row.id}
                  type="button"
                  data-testid="preview-row"
                  disabled={!onPick}
                  onClick={() => {
                    setListOpen(false);
                    onPick?.(row);
                  }}
                  className="block w-full rounded px-1 py-1 text-left enabled:hover:bg-slate-50"
                >
                  <span className="block text-[14px]">{row.title}</span>
                  {row.description && <span className="block text-xs text-slate-500">{row.description}</span>}
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export function Bubble({
  children,
  mine = false,
  flat = false,
}: {
  children: ReactNode;
  mine?: boolean;
  flat?: boolean;
}) {
  return (
    <div
      className={`${flat ? "" : "max-w-[85%]"} whitespace-pre-wrap break-words rounded-lg px-2.5 py-1.5 text-[14px] text-slate-900 shadow-sm ${
        mine ? "ml-auto rounded-tr-none bg-[#d9fdd3]" : "rounded-tl-none bg-white"
      }`}
    >
      {children}
    </div>
  );
}

/** WhatsApp's *bold*, _italic_ and ~strike~; never raw HTML. */
function rich(text: string): ReactNode[] {
  const parts = text.split(/((?<!\w)\*[^*\n]+\*(?!\w)|(?<!\w)_[^_\n]+_(?!\w)|(?<!\w)~[^~\n]+~(?!\w))/g);
  return parts.map((part, i) => {
    if (/^\*.+\*$/.test(part)) return <strong key={i}>{part.slice(1, -1)}</strong>;
    if (/^_.+_$/.test(part)) return <em key={i}>{part.slice(1, -1)}</em>;
    if (/^~.+~$/.test(part)) return <s key={i}>{part.slice(1, -1)}</s>;
    return part;
  });
}
