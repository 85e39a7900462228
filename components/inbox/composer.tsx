"use client";

import { hashKey, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { memo, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { CannedResponse } from "@/lib/client/inbox";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { explainSendError } from "@/lib/client/send";
import { startUpload, takesCaption, type UploadedFile, type UploadTask } from "@/lib/client/uploads";
import type { ConversationSummary, MessageDto, Page } from "@/lib/conversations/schemas";
import type { OutboundMessageInput } from "@/lib/messaging/schemas";
import { fileSize, windowCountdown } from "@/lib/utils/format";
import { cannedQuery, fillCanned, matchCanned } from "./canned";
import { useCanned, useViewer } from "./inbox-context";
import { snippet } from "./message-bubble";
import { NoteComposer } from "./note-composer";
import { queueSend, useRefusedWindow } from "./outbox";
import {
  attemptSend,
  dismissOwnerReply,
  draftChanged,
  initialOwnerReply,
  observeMessages,
} from "./owner-reply-warning";
import { pingTyping } from "./presence";
import { TemplatePicker } from "./template-picker";

/** What the thread can ask of the composer: drops land here, "Edit" on a refused send puts the text back. */
export type ComposerHandle = {
  /** False when the composer takes no files right now (only templates can be sent). */
  attach(files: File[]): boolean;
  /** False when free text can't be sent now (the window is closed). */
  restore(text: string): boolean;
  /** Reply (to the customer) or Note (private, for colleagues), and put the cursor there (r / n). */
  setMode(mode: ComposerMode): void;
};

export type ComposerMode = "reply" | "note";

type Props = {
  conversation: ConversationSummary;
  replyTo: MessageDto | null;
  onClearReply: () => void;
  /** The agent asked for the template picker although the window is open ("Send a template", the link). */
  wantsTemplate: boolean;
  onWantsTemplate: (wants: boolean) => void;
  ref?: Ref<ComposerHandle>;
};

const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;
// The customer's "typing…" lasts 25 s on WhatsApp; refreshing every 10 s keeps it up without flooding.
const TYPING_EVERY_MS = 10_000;
const AMBER_UNDER_MS = 60 * 60_000;
const EMOJI = [
  "😀",
  "😂",
  "😊",
  "😍",
  "🙏",
  "👍",
  "👌",
  "👋",
  "🎉",
  "❤️",
  "🔥",
  "✅",
  "😢",
  "🤔",
  "🙌",
  "📦",
];

// Per conversation and kept across thread switches: the unsent text and when "typing…" was last sent.
const drafts = new Map<string, string>();
const typingSentAt = new Map<string, number>();

// Memoized: the thread re-renders on every scroll and measurement; the composer only for its own props.
export const Composer = memo(function Composer({
  conversation,
  replyTo,
  onClearReply,
  wantsTemplate,
  onWantsTemplate,
  ref,
}: Props) {
  const expiresAt = conversation.window_expires_at ? Date.parse(conversation.window_expires_at) : null;
  const now = useNow(expiresAt);
  const refusedAt = useRefusedWindow(conversation.id);
  // A window_closed answer wins over our clock until the conversation's window moves (the customer wrote).
  const refused = refusedAt !== undefined && refusedAt === conversation.window_expires_at;
  const open = expiresAt !== null && expiresAt > now && !refused;
  const text = useRef<TextComposerHandle>(null);
  const note = useRef<HTMLTextAreaElement>(null);
  const [mode, setMode] = useState<ComposerMode>("reply");

  useImperativeHandle(
    ref,
    () => ({
      attach: (files) => (open && !wantsTemplate ? (text.current?.attach(files) ?? false) : false),
      restore: (value) => {
        if (!open) return false;
        setMode("reply");
        onWantsTemplate(false);
        // The text composer mounts on the next render when the picker was showing.
        requestAnimationFrame(() => text.current?.restore(value));
        return true;
      },
      setMode: (next) => {
        setMode(next);
        // The field of the new mode mounts on the next render.
        requestAnimationFrame(() =>
          (next === "note"
            ? note.current
            : document.querySelector<HTMLElement>("[data-composer-focus]")
          )?.focus(),
        );
      },
    }),
    [open, wantsTemplate, onWantsTemplate],
  );
  // "/" (focus the composer) is handled by the inbox, which also uses it for search.

  const left = expiresAt === null ? 0 : expiresAt - now;
  return (
    <div
      data-testid="composer"
      data-mode={mode}
      className={`border-t border-slate-200 px-4 pt-1.5 pb-3 dark:border-slate-700 ${mode === "note" ? "bg-amber-50 dark:bg-amber-950" : "bg-[#f0f2f5] dark:bg-slate-900"}`}
    >
      <div role="group" aria-label="Composer mode" className="mb-1 flex gap-1 text-xs">
        {(["reply", "note"] as const).map((m) => (
          <button
            key={m}
            type="button"
            data-testid={`composer-mode-${m}`}
            aria-pressed={mode === m}
            title={m === "reply" ? "Reply to the customer (r)" : "Private note for colleagues (n)"}
            onClick={() => setMode(m)}
            className={`rounded px-2 py-0.5 font-medium ${
              mode === m
                ? m === "note"
                  ? "bg-amber-200 text-amber-950"
                  : "bg-white text-slate-900 shadow-sm dark:bg-slate-900 dark:text-slate-100"
                : "text-slate-600 hover:bg-white/70 dark:text-slate-300"
            }`}
          >
            {m === "reply" ? "Reply" : "Note"}
          </button>
        ))}
      </div>
      {mode === "note" && <NoteComposer ref={note} conversation={conversation} />}
      {/* Hidden, not unmounted, while writing a note: attachments and their uploads survive the switch. */}
      <div hidden={mode === "note"}>
        {open ? (
          <div className="mb-1 flex items-center justify-between gap-3 text-xs">
            <span
              data-testid="window-countdown"
              data-urgent={left < AMBER_UNDER_MS}
              title="WhatsApp accepts free-form messages for 24 hours after the customer's last message"
              className={
                left < AMBER_UNDER_MS ? "font-medium text-amber-700" : "text-slate-500 dark:text-slate-400"
              }
            >
              {windowCountdown(left)}
            </span>
            {!wantsTemplate && (
              <button
                type="button"
                data-testid="use-template"
                onClick={() => onWantsTemplate(true)}
                className="text-emerald-800 hover:underline"
              >
                Use a template
              </button>
            )}
          </div>
        ) : (
          <p data-testid="window-closed" className="mb-1.5 text-xs text-slate-600 dark:text-slate-300">
            <span className="font-medium text-slate-800 dark:text-slate-100">
              The 24-hour window is closed.
            </span>{" "}
            WhatsApp accepts only an approved template until the customer writes again.
          </p>
        )}
        {open && !wantsTemplate ? (
          <TextComposer
            ref={text}
            conversation={conversation}
            replyTo={replyTo}
            onClearReply={onClearReply}
          />
        ) : (
          <TemplatePicker conversation={conversation} onBack={open ? () => onWantsTemplate(false) : null} />
        )}
      </div>
    </div>
  );
});

type TextComposerHandle = { attach(files: File[]): boolean; restore(text: string): void };

type Attachment = {
  id: string;
  file: File;
  task: UploadTask;
  /** Object URL for the thumbnail, reused by the pending bubble (which revokes it once settled). */
  url: string;
  progress: number;
  uploaded: UploadedFile | null;
  error: string | null;
};

function TextComposer({
  conversation,
  replyTo,
  onClearReply,
  ref,
}: {
  conversation: ConversationSummary;
  replyTo: MessageDto | null;
  onClearReply: () => void;
  ref: Ref<TextComposerHandle>;
}) {
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const canned = useCanned();
  const [text, setText] = useState(() => drafts.get(conversation.id) ?? "");
  // The draft as of now, for the message-cache listener below (which outlives renders).
  const draft = useRef(text);
  const [owner, setOwner] = useState(initialOwnerReply<MessageDto>);
  const [cannedIndex, setCannedIndex] = useState(0);
  // The "/query" the agent closed the picker on with Escape: it stays closed until the text changes.
  const [cannedDismissed, setCannedDismissed] = useState<string | null>(null);
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Uploads the composer still owns (not handed to a send yet), by attachment id.
  const owned = useRef(new Map<string, { task: UploadTask; url: string | null }>());

  const captionTarget =
    attachments.length === 1 && attachments[0] && takesCaption(attachments[0].file.type)
      ? attachments[0]
      : null;
  const limit = captionTarget ? CAPTION_MAX : TEXT_MAX;
  const tooLong = text.length > limit;
  const blocked = attachments.some((a) => a.error);
  const canSend = !tooLong && !blocked && (text.trim().length > 0 || attachments.length > 0);
  const slash = cannedQuery(text);
  const cannedMatches =
    slash !== null && slash !== cannedDismissed ? matchCanned(canned.data ?? [], slash) : [];
  const cannedOpen = slash !== null && slash !== cannedDismissed && Boolean(canned.data);

  // Focus only when asked (Reply): focusing on open would swallow the inbox's j / k keys.
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  // The thread's query (refetched on each conversation.changed nudge) is where an echo from the owner's
  // phone shows up: watch that cache entry, so an echo arriving during a draft warns before sending.
  useEffect(() => {
    const key = queryKeys.messages(conversation.id);
    const hash = hashKey(key);
    const look = () => {
      const data = queryClient.getQueryData<InfiniteData<Page<MessageDto>>>(key);
      if (data)
        setOwner((s) =>
          observeMessages(
            s,
            data.pages.flatMap((p) => p.data),
            draft.current,
          ),
        );
    };
    look();
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && event.query.queryHash === hash) look();
    });
  }, [conversation.id, queryClient]);

  // Files still in the composer when it goes away are nobody's: stop their uploads.
  useEffect(() => {
    const mine = owned.current;
    return () => {
      for (const { task, url } of mine.values()) {
        task.abort();
        if (url) URL.revokeObjectURL(url);
      }
    };
  }, []);

  function attach(files: File[]): boolean {
    if (files.length === 0) return false;
    const added = files.map((file): Attachment => {
      const task = startUpload(file);
      const attachment: Attachment = {
        id: `${Date.now()}-${Math.random()}`,
        file,
        task,
        url: URL.createObjectURL(file),
        progress: 0,
        uploaded: null,
        error: null,
      };
      owned.current.set(attachment.id, { task, url: attachment.url });
      const patch = (change: Partial<Attachment>) =>
        setAttachments((list) => list.map((a) => (a.id === attachment.id ? { ...a, ...change } : a)));
      task.subscribe((progress) => patch({ progress }));
      task.promise.then(
        (uploaded) => patch({ uploaded, progress: 1 }),
        (error: unknown) => {
          if (!(error instanceof DOMException && error.name === "AbortError"))
            patch({ error: explainSendError(error) });
        },
      );
      return attachment;
    });
    setAttachments((list) => [...list, ...added]);
    input.current?.focus();
    return true;
  }

  useImperativeHandle(ref, () => ({
    attach,
    restore(value: string) {
      change(value);
      input.current?.focus();
    },
  }));

  function remove(attachment: Attachment) {
    attachment.task.abort();
    if (attachment.url) URL.revokeObjectURL(attachment.url);
    owned.current.delete(attachment.id);
    setAttachments((list) => list.filter((a) => a.id !== attachment.id));
  }

  function insertCanned(item: CannedResponse) {
    const body = fillCanned(item.body, { contactName: conversation.contact.name, agentName: viewer.name });
    change(body);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(body.length, body.length);
    });
  }

  function change(value: string) {
    setText(value);
    draft.current = value;
    setOwner((s) => draftChanged(s, value));
    setCannedIndex(0);
    setCannedDismissed(null);
    if (value) drafts.set(conversation.id, value);
    else drafts.delete(conversation.id);
    if (!value.trim()) return;
    // Colleagues on this thread see "… is typing" (collision), apart from the customer's indicator below.
    pingTyping(conversation.id);
    const last = typingSentAt.get(conversation.id) ?? 0;
    if (Date.now() - last < TYPING_EVERY_MS) return;
    typingSentAt.set(conversation.id, Date.now());
    // Cosmetic for the customer: a failure here must never get in the agent's way.
    api(`/api/v1/conversations/${conversation.id}/typing`, { method: "POST" }).catch(() => undefined);
  }

  /** `confirmed`: "Send anyway" on the owner's-reply warning; otherwise a fresh warning asks once more. */
  function submit(confirmed = false) {
    if (!canSend) return;
    if (!confirmed) {
      const attempt = attemptSend(owner);
      setOwner(attempt.state);
      if (!attempt.send) return;
    }
    const windowExpiresAt = conversation.window_expires_at;
    // The quote goes with the first message of this submit only, as WhatsApp does.
    let reply = replyTo ? { id: replyTo.id, wamid: replyTo.wamid } : null;
    for (const attachment of attachments) {
      const caption = attachment === captionTarget && text.trim() ? text : undefined;
      const replyPart = reply ? { reply_to: reply.id } : {};
      const filename = attachment.file.name.slice(0, 240);
      queueSend(queryClient, {
        conversationId: conversation.id,
        windowExpiresAt,
        upload: attachment.task,
        preview: {
          type: attachment.file.type.split("/")[0] ?? "document",
          text: caption ?? null,
          file: {
            url: attachment.url,
            mime_type: attachment.file.type,
            filename: attachment.file.name,
            size: attachment.file.size,
          },
          replyTo: reply?.wamid ?? null,
        },
        // The server says which kind the file goes as (image, document…); checked against the schema before sending.
        build: (uploaded) =>
          ({
            type: uploaded?.kind ?? "document",
            media_id: uploaded?.id,
            ...(caption ? { caption } : {}),
            ...(uploaded?.kind === "document" && filename ? { filename } : {}),
            ...replyPart,
          }) as OutboundMessageInput,
      });
      owned.current.delete(attachment.id);
      reply = null;
    }
    if (text.trim() && !captionTarget) {
      const body = { type: "text" as const, text, ...(reply ? { reply_to: reply.id } : {}) };
      queueSend(queryClient, {
        conversationId: conversation.id,
        windowExpiresAt,
        preview: { type: "text", text, replyTo: reply?.wamid ?? null },
        build: () => body,
        draft: text,
      });
    }
    setAttachments([]);
    change("");
    setEmojiOpen(false);
    onClearReply();
  }

  /** Keys of the open canned-response picker; true when the key was the picker's. */
  function onCannedKey(event: React.KeyboardEvent<HTMLTextAreaElement>): boolean {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (cannedMatches.length === 0) return false;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setCannedIndex((i) => (i + step + cannedMatches.length) % cannedMatches.length);
      return true;
    }
    if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
      const item = cannedMatches[cannedIndex];
      if (!item) return false;
      event.preventDefault();
      insertCanned(item);
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      setCannedDismissed(slash);
      return true;
    }
    return false;
  }

  function insertEmoji(emoji: string) {
    const field = input.current;
    const start = field?.selectionStart ?? text.length;
    const end = field?.selectionEnd ?? text.length;
    change(text.slice(0, start) + emoji + text.slice(end));
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  return (
    <div>
      {owner.warning && (
        <div
          role="alert"
          data-testid="owner-reply-warning"
          data-armed={owner.armed}
          className="mb-1.5 flex items-start gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          <div className="min-w-0 flex-1">
            <p className="font-medium">The owner just replied from the phone — read it before you send.</p>
            <p
              data-testid="owner-reply-text"
              className="mt-0.5 line-clamp-2 text-amber-900 dark:text-amber-200"
            >
              “{snippet(owner.warning)}”
            </p>
            {owner.armed && (
              <p data-testid="owner-reply-confirm" className="mt-0.5 font-medium">
                Press Enter again or choose Send anyway to send your draft as well.
              </p>
            )}
          </div>
          <button
            type="button"
            data-testid="owner-reply-send-anyway"
            onClick={() => submit(true)}
            className="shrink-0 rounded border border-amber-400 bg-white px-2 py-0.5 font-medium hover:bg-amber-100 dark:bg-slate-900"
          >
            Send anyway
          </button>
          <button
            type="button"
            data-testid="owner-reply-dismiss"
            aria-label="Dismiss the owner's reply warning"
            onClick={() => {
              setOwner(dismissOwnerReply);
              input.current?.focus();
            }}
            className="shrink-0 rounded px-1 text-amber-800 hover:bg-amber-100 dark:text-amber-200"
          >
            ✕
          </button>
        </div>
      )}
      {replyTo && (
        <div
          data-testid="reply-bar"
          className="mb-1.5 flex items-start gap-2 rounded-md border-l-4 border-emerald-600 bg-white px-3 py-1.5 text-xs dark:bg-slate-900"
        >
          <div className="min-w-0 flex-1">
            <p className="font-medium text-emerald-800">
              Replying to {replyTo.direction === "inbound" ? conversation.contact.name : "your message"}
            </p>
            <p className="truncate text-slate-600 dark:text-slate-300">{snippet(replyTo)}</p>
          </div>
          <button
            type="button"
            data-testid="reply-cancel"
            aria-label="Cancel reply"
            onClick={onClearReply}
            className="rounded px-1 text-slate-500 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
          >
            ✕
          </button>
        </div>
      )}
      {attachments.length > 0 && (
        <ul data-testid="attachments" className="mb-1.5 flex flex-wrap gap-2">
          {attachments.map((a) => (
            <li
              key={a.id}
              data-testid="attachment"
              data-state={a.error ? "failed" : a.uploaded ? "ready" : "uploading"}
              className={`flex max-w-xs items-center gap-2 rounded-md border bg-white px-2 py-1 text-xs dark:bg-slate-900 ${
                a.error ? "border-red-300" : "border-slate-200 dark:border-slate-700"
              }`}
            >
              {a.file.type.startsWith("image/") ? (
                <img src={a.url} alt="" className="h-9 w-9 rounded object-cover" />
              ) : (
                <span aria-hidden className="text-lg">
                  📄
                </span>
              )}
              <span className="min-w-0">
                <span className="block truncate font-medium">{a.file.name || "Pasted file"}</span>
                {a.error ? (
                  <span data-testid="attachment-error" className="block text-red-700 dark:text-red-400">
                    {a.error}
                  </span>
                ) : a.uploaded ? (
                  <span className="block text-slate-500 dark:text-slate-400">{fileSize(a.file.size)}</span>
                ) : (
                  <span className="block text-slate-500 dark:text-slate-400">
                    Uploading… {Math.round(a.progress * 100)}%
                  </span>
                )}
              </span>
              <button
                type="button"
                aria-label={`Remove ${a.file.name || "file"}`}
                onClick={() => remove(a)}
                className="rounded px-1 text-slate-500 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="relative flex items-end gap-2">
        {cannedOpen && (
          <div
            id={`canned-${conversation.id}`}
            role="listbox"
            aria-label="Canned responses"
            data-testid="canned-picker"
            className="absolute bottom-full left-0 z-20 mb-1 max-h-64 w-full max-w-md overflow-y-auto rounded-lg border border-slate-200 bg-white py-1 shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            {cannedMatches.length === 0 && (
              <p className="px-3 py-1.5 text-xs text-slate-500 dark:text-slate-400">
                No canned response matches “/{slash}”
              </p>
            )}
            {cannedMatches.map((item, index) => (
              <div
                key={item.id}
                role="option"
                aria-selected={index === cannedIndex}
                data-testid="canned-option"
                onPointerDown={(event) => event.preventDefault()}
                onClick={() => insertCanned(item)}
                className={`cursor-pointer px-3 py-1.5 text-sm ${index === cannedIndex ? "bg-emerald-50" : ""}`}
              >
                <p className="flex gap-2">
                  <span className="font-mono text-xs text-emerald-800">/{item.shortcut}</span>
                  <span className="truncate font-medium">{item.title}</span>
                  {item.scope === "personal" && (
                    <span className="text-[10px] text-slate-500 dark:text-slate-400">personal</span>
                  )}
                </p>
                <p className="truncate text-xs text-slate-600 dark:text-slate-300">{item.body}</p>
              </div>
            ))}
          </div>
        )}
        <button
          type="button"
          data-testid="emoji-button"
          aria-label="Emoji"
          aria-expanded={emojiOpen}
          onClick={() => setEmojiOpen((o) => !o)}
          className="mb-1 rounded-full p-1.5 text-lg leading-none text-slate-600 hover:bg-white dark:text-slate-300"
        >
          🙂
        </button>
        {emojiOpen && (
          <div
            data-testid="emoji-panel"
            className="absolute bottom-12 left-0 z-10 grid grid-cols-8 gap-1 rounded-lg border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            {EMOJI.map((emoji) => (
              <button
                key={emoji}
                type="button"
                onClick={() => insertEmoji(emoji)}
                className="rounded p-1 text-xl leading-none hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                {emoji}
              </button>
            ))}
          </div>
        )}
        <button
          type="button"
          data-testid="attach-button"
          aria-label="Attach files"
          title="Attach files (or drop / paste them)"
          onClick={() => fileInput.current?.click()}
          className="mb-1 rounded-full p-1.5 text-slate-600 hover:bg-white dark:text-slate-300"
        >
          <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
            <path
              d="M13.5 6.5l-6 6a1.8 1.8 0 002.5 2.5l6.5-6.5a3.5 3.5 0 00-5-5L5 10a5.2 5.2 0 007.4 7.4l5-5"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
              strokeLinecap="round"
            />
          </svg>
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="attach-input"
          onChange={(event) => {
            attach(Array.from(event.target.files ?? []));
            event.target.value = "";
          }}
        />
        <div className="min-w-0 flex-1">
          <textarea
            ref={input}
            data-testid="composer-input"
            data-composer-focus
            aria-label="Message"
            aria-expanded={cannedOpen}
            aria-controls={cannedOpen ? `canned-${conversation.id}` : undefined}
            placeholder={
              captionTarget ? "Add a caption (optional)" : "Type a message, / for canned responses"
            }
            rows={1}
            value={text}
            onChange={(event) => change(event.target.value)}
            onPaste={(event) => {
              const files = Array.from(event.clipboardData.files);
              if (files.length === 0) return;
              event.preventDefault();
              attach(files);
            }}
            onKeyDown={(event) => {
              // IME composition (Japanese, Chinese…) uses Enter to confirm a word, not to send.
              if (event.nativeEvent.isComposing) return;
              if (cannedOpen && onCannedKey(event)) return;
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey || !event.shiftKey)) {
                event.preventDefault();
                submit();
              } else if (event.key === "Escape") {
                if (emojiOpen) setEmojiOpen(false);
                else if (replyTo) onClearReply();
                // Nothing to clear: hand the keyboard back to the inbox (j / k).
                else event.currentTarget.blur();
              }
            }}
            className="field-sizing-content block max-h-40 min-h-10 w-full resize-none rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm outline-none focus:border-emerald-500 dark:border-slate-700 dark:bg-slate-900"
          />
          {text.length > limit - 300 && (
            <p
              data-testid="char-counter"
              className={`mt-0.5 text-right text-[11px] ${tooLong ? "font-medium text-red-700 dark:text-red-400" : "text-slate-500 dark:text-slate-400"}`}
            >
              {text.length.toLocaleString()} / {limit.toLocaleString()}
              {tooLong &&
                (captionTarget ? " — captions are at most 1,024 characters" : " — too long for WhatsApp")}
            </p>
          )}
        </div>
        <button
          type="button"
          data-testid="send-button"
          aria-label="Send"
          title="Send (Enter)"
          disabled={!canSend}
          onClick={() => submit()}
          className="mb-0.5 rounded-full bg-emerald-600 p-2 text-white hover:bg-emerald-700 disabled:bg-slate-300"
        >
          <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
            <path d="M3 10l14-7-5 14-2.5-5.5L3 10z" fill="currentColor" />
          </svg>
        </button>
      </div>
    </div>
  );
}

/** Re-renders often enough for the countdown: every 15 s, every second in the last two minutes. */
function useNow(expiresAt: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (expiresAt === null) return;
    const left = expiresAt - Date.now();
    if (left <= 0) return;
    const step = left < 120_000 ? 1_000 : 15_000;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(step, left + 50));
    return () => clearTimeout(timer);
  }, [expiresAt, now]);
  return now;
}
