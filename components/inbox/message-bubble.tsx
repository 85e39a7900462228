"use client";

import { useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { memo } from "react";
import { api } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { explainSendError } from "@/lib/client/send";
import type { MessageDto, MessageMedia, Page } from "@/lib/conversations/schemas";
import { renderTemplatePreview } from "@/lib/messaging/schemas";
import type { TemplateDto } from "@/lib/templates/schemas";
import type { OutboxItem } from "./outbox";
import { StatusTicks } from "./status-ticks";
import { replaceMessage } from "./thread-rows";

const sourceLabel: Record<MessageDto["source"], string | null> = {
  customer: null,
  agent: "Agent",
  bot: "Bot",
  campaign: "Campaign",
  business_app: "Sent from phone",
  history: "Imported",
  system: null,
};

type Props = {
  message: MessageDto;
  /** The message this one quotes, when it is in the loaded thread. */
  quoted?: MessageDto | null;
  onReply?: (message: MessageDto) => void;
  /** Opens the template picker (a failed send whose fix is a template). */
  onSendTemplate?: () => void;
  /** Set for a bubble the server has not confirmed yet. */
  pending?: {
    item: OutboxItem;
    onRetry: () => void;
    onDiscard: () => void;
    onEdit: (() => void) | null;
  };
};

// Built once: toLocaleTimeString with options constructs a formatter per call, per bubble per render.
export const timeOfDay = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit" });

// Memoized: a thread re-render (scroll, measurement, a new message) leaves the existing bubbles alone.
export const MessageBubble = memo(function MessageBubble({
  message,
  quoted,
  onReply,
  onSendTemplate,
  pending,
}: Props) {
  const outbound = message.direction === "outbound";
  const label = sourceLabel[message.source];
  const time = timeOfDay.format(new Date(message.timestamp));
  const canReply = Boolean(onReply && message.wamid && !message.revoked && !pending);
  const failedPending = pending?.item.state === "failed";
  return (
    <div
      className={`group my-1 flex items-center gap-1 ${outbound ? "justify-end" : "justify-start"}`}
      data-testid="message"
      data-message-id={pending ? undefined : message.id}
      data-pending={pending ? pending.item.state : undefined}
    >
      {canReply && outbound && <ReplyButton onClick={() => onReply?.(message)} />}
      <div
        className={`max-w-[70%] rounded-lg px-3 py-2 text-sm shadow-sm ${outbound ? "bg-[#d9fdd3] dark:bg-emerald-900" : "bg-white dark:bg-slate-900"} ${
          failedPending ? "ring-1 ring-red-300" : ""
        }`}
        data-source={message.source}
      >
        {label && <p className="mb-0.5 text-[11px] font-medium text-emerald-800">{label}</p>}
        {message.reply_to && <Quote quoted={quoted ?? null} />}
        {message.media && !message.revoked && <MediaView media={message.media} />}
        {pending?.item.state === "uploading" && <UploadProgress progress={pending.item.progress} />}
        <MessageText message={message} />
        <p className="mt-0.5 text-right text-[10px] text-slate-500 dark:text-slate-400">
          {message.edited && !message.revoked && <span className="mr-1">edited</span>}
          {time}
          {message.status && outbound && !failedPending && <StatusTicks status={message.status} />}
        </p>
        {pending?.item.error && <PendingError pending={pending} />}
        {!pending && outbound && message.status === "failed" && (
          <FailedSend message={message} onSendTemplate={onSendTemplate} />
        )}
      </div>
      {canReply && !outbound && <ReplyButton onClick={() => onReply?.(message)} />}
    </div>
  );
});

function ReplyButton({ onClick }: { onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={onClick}
      data-testid="reply-action"
      aria-label="Reply"
      title="Reply"
      className="rounded-full p-1 text-slate-500 opacity-0 group-hover:opacity-100 hover:bg-white/70 focus:opacity-100 dark:text-slate-400"
    >
      <svg viewBox="0 0 16 16" className="h-4 w-4" aria-hidden>
        <path d="M6 3L2 7l4 4M2 7h7a5 5 0 015 5v1" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
    </button>
  );
}

function MessageText({ message }: { message: MessageDto }) {
  if (message.revoked)
    return (
      <p>
        <em className="text-slate-500 dark:text-slate-400">This message was deleted</em>
      </p>
    );
  if (message.type === "template") return <TemplateText message={message} />;
  if (message.media) {
    const caption = mediaCaption(message);
    return caption ? <p className="break-words whitespace-pre-wrap">{caption}</p> : null;
  }
  return (
    <p className="break-words whitespace-pre-wrap">
      {message.text ?? <em className="text-slate-500 dark:text-slate-400">{placeholder(message)}</em>}
    </p>
  );
}

/** A sent template, hydrated with the values it was sent with (the stored text is only "Template"). */
function TemplateText({ message }: { message: MessageDto }) {
  const content = templateContent(message.content);
  const template = useQuery({
    queryKey: queryKeys.template(content?.template_id ?? ""),
    queryFn: () => api<TemplateDto>(`/api/v1/templates/${content?.template_id}`),
    enabled: Boolean(content?.template_id),
    staleTime: Infinity,
  });
  if (!content || !template.data)
    return <p className="break-words whitespace-pre-wrap">{message.text ?? "Template"}</p>;
  const preview = renderTemplatePreview(template.data, content.variables, { header: content.header });
  return (
    <div data-testid="template-message" className="break-words whitespace-pre-wrap">
      {preview.header && <p className="mb-1 font-semibold">{preview.header}</p>}
      <p>{preview.body}</p>
      {preview.footer && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{preview.footer}</p>}
      {preview.buttons.length > 0 && (
        <p className="mt-1 border-t border-black/10 pt-1 text-center text-xs text-sky-700">
          {preview.buttons.join(" · ")}
        </p>
      )}
    </div>
  );
}

function Quote({ quoted }: { quoted: MessageDto | null }) {
  return (
    <div
      data-testid="quoted"
      className="mb-1 rounded border-l-4 border-emerald-600 bg-black/5 px-2 py-1 text-xs text-slate-600 dark:text-slate-300"
    >
      {quoted ? (
        <>
          <p className="font-medium text-emerald-800">
            {quoted.direction === "inbound" ? "Customer" : "You"}
          </p>
          <p className="line-clamp-2">{snippet(quoted)}</p>
        </>
      ) : (
        <p className="italic">Reply to an earlier message</p>
      )}
    </div>
  );
}

function FailedSend({ message, onSendTemplate }: { message: MessageDto; onSendTemplate?: () => void }) {
  const queryClient = useQueryClient();
  // The same row goes back to queued; replace it in the cache so the ticks restart at once.
  const retry = useMutation({
    mutationFn: () => api<MessageDto>(`/api/v1/messages/${message.id}/retry`, { method: "POST" }),
    onSuccess: (updated) => {
      queryClient.setQueryData<InfiniteData<Page<MessageDto>>>(
        queryKeys.messages(message.conversation_id),
        (data) => replaceMessage(data, updated),
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.messages(message.conversation_id) });
    },
  });
  const error = message.error;
  return (
    <div
      data-testid="message-error"
      className="mt-1.5 rounded bg-red-50 px-2 py-1.5 text-xs text-red-900 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-medium">{error?.title ?? "Not delivered"}</p>
      {error?.hint && <p className="mt-0.5 text-red-800">{error.hint}</p>}
      {retry.error && <p className="mt-0.5 font-medium">{explainSendError(retry.error)}</p>}
      <div className="mt-1 flex gap-3">
        {error?.action === "retry" && (
          <button
            type="button"
            data-testid="retry-send"
            disabled={retry.isPending}
            onClick={() => retry.mutate()}
            className="font-medium text-red-900 underline disabled:opacity-60 dark:text-red-200"
          >
            {retry.isPending ? "Retrying…" : "Retry"}
          </button>
        )}
        {error?.action === "template" && onSendTemplate && (
          <button
            type="button"
            data-testid="send-template-link"
            onClick={onSendTemplate}
            className="font-medium text-red-900 underline dark:text-red-200"
          >
            Send a template
          </button>
        )}
      </div>
    </div>
  );
}

function PendingError({ pending }: { pending: NonNullable<Props["pending"]> }) {
  const error = pending.item.error!;
  return (
    <div
      data-testid="send-error"
      className="mt-1.5 rounded bg-red-50 px-2 py-1.5 text-xs text-red-900 dark:bg-red-950 dark:text-red-200"
    >
      <p className="font-medium">Not sent</p>
      <p data-testid="send-error-message" className="mt-0.5 text-red-800">
        {error.message}
      </p>
      <div className="mt-1 flex gap-3">
        {error.canRetry && (
          <button
            type="button"
            data-testid="pending-retry"
            onClick={pending.onRetry}
            className="font-medium underline"
          >
            Try again
          </button>
        )}
        {pending.onEdit && (
          <button
            type="button"
            data-testid="pending-edit"
            onClick={pending.onEdit}
            className="font-medium underline"
          >
            Edit
          </button>
        )}
        <button type="button" data-testid="pending-discard" onClick={pending.onDiscard} className="underline">
          Discard
        </button>
      </div>
    </div>
  );
}

function UploadProgress({ progress }: { progress: number | null }) {
  const percent = Math.round((progress ?? 0) * 100);
  return (
    <div data-testid="upload-progress" className="mb-1 text-xs text-slate-600 dark:text-slate-300">
      <p>Uploading… {percent}%</p>
      <div className="mt-0.5 h-1 w-40 overflow-hidden rounded bg-black/10">
        <div className="h-full bg-emerald-600 transition-all" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** What to show for content we cannot (or cannot yet) display. */
function placeholder(message: MessageDto): string {
  if (message.type === "unavailable") return "Sent from phone: content unavailable";
  if (message.type === "media_placeholder") return "Media from the imported history (no longer available)";
  if (message.type === "unsupported")
    return "The customer sent something WhatsApp does not show here: check the phone";
  return `[${message.type}]`;
}

/** One line for quotes and the reply bar. */
export function snippet(message: MessageDto): string {
  if (message.revoked) return "This message was deleted";
  if (message.text) return message.text;
  if (message.media) return message.media.filename ?? message.type;
  return placeholder(message);
}

// Outbound media store a one-line preview ("📷 Photo") as their text; the caption itself is in the content.
const MEDIA_PREVIEW = /^(📷|🎥|🎵|💟|📄) /u;

function mediaCaption(message: MessageDto): string | null {
  const content = message.content;
  const caption =
    content && typeof content === "object" ? (content as { caption?: unknown }).caption : undefined;
  if (typeof caption === "string" && caption) return caption;
  return message.text && !MEDIA_PREVIEW.test(message.text) ? message.text : null;
}

function templateContent(
  content: unknown,
): { template_id: string; variables?: Record<string, string> | string[]; header?: string } | null {
  if (!content || typeof content !== "object") return null;
  const c = content as { template_id?: unknown; variables?: unknown; header?: unknown };
  if (typeof c.template_id !== "string") return null;
  const variables =
    Array.isArray(c.variables) || (c.variables && typeof c.variables === "object")
      ? (c.variables as Record<string, string> | string[])
      : undefined;
  const header =
    c.header && typeof c.header === "object" && typeof (c.header as { text?: unknown }).text === "string"
      ? (c.header as { text: string }).text
      : undefined;
  return { template_id: c.template_id, ...(variables ? { variables } : {}), ...(header ? { header } : {}) };
}

function MediaView({ media }: { media: MessageMedia }) {
  if (media.state === "pending")
    return <p className="text-xs text-slate-500 dark:text-slate-400">Downloading media…</p>;
  if (media.state !== "stored") {
    return (
      <p className="text-xs text-amber-800 dark:text-amber-300">
        Media unavailable{media.error ? `: ${media.error}` : ""}
      </p>
    );
  }
  if (media.mime_type?.startsWith("image/")) {
    return <img src={media.url} alt={media.filename ?? "image"} className="mb-1 max-h-64 rounded" />;
  }
  if (media.mime_type?.startsWith("audio/")) return <audio controls src={media.url} className="mb-1" />;
  if (media.mime_type?.startsWith("video/"))
    return <video controls src={media.url} className="mb-1 max-h-64 rounded" />;
  return (
    <a href={media.url} className="mb-1 block text-sm text-emerald-800 underline">
      {media.filename ?? "Download file"}
      {media.size ? ` (${Math.ceil(media.size / 1024)} KB)` : ""}
    </a>
  );
}
