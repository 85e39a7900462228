import type { MessageDto, MessageMedia } from "@/lib/conversations/schemas";

const sourceLabel: Record<MessageDto["source"], string | null> = {
  customer: null,
  agent: "Agent",
  bot: "Bot",
  campaign: "Campaign",
  business_app: "Sent from phone",
  history: "Imported",
  system: null,
};

export function MessageBubble({ message }: { message: MessageDto }) {
  const outbound = message.direction === "outbound";
  const label = sourceLabel[message.source];
  const time = new Date(message.timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <div className={`my-1 flex ${outbound ? "justify-end" : "justify-start"}`} data-testid="message">
      <div
        className={`max-w-[70%] rounded-lg px-3 py-2 text-sm shadow-sm ${outbound ? "bg-[#d9fdd3]" : "bg-white"}`}
        data-source={message.source}
      >
        {label && <p className="mb-0.5 text-[11px] font-medium text-emerald-800">{label}</p>}
        {message.media && !message.revoked && <MediaView media={message.media} />}
        <p className="break-words whitespace-pre-wrap">
          {message.revoked ? (
            <em className="text-slate-500">This message was deleted</em>
          ) : (
            (message.text ?? <em className="text-slate-500">{placeholder(message)}</em>)
          )}
        </p>
        <p className="mt-0.5 text-right text-[10px] text-slate-500">
          {message.edited && !message.revoked && <span className="mr-1">edited</span>}
          {time}
          {message.status && outbound && <span className="ml-1">{ticks[message.status]}</span>}
        </p>
      </div>
    </div>
  );
}

const ticks: Record<NonNullable<MessageDto["status"]>, string> = {
  queued: "🕓",
  sent: "✓",
  delivered: "✓✓",
  read: "✓✓ read",
  played: "✓✓ played",
  failed: "failed",
};

/** What to show for content we cannot (or cannot yet) display. */
function placeholder(message: MessageDto): string {
  if (message.type === "unavailable") return "Sent from phone: content unavailable";
  if (message.type === "media_placeholder") return "Media from the imported history (no longer available)";
  if (message.type === "unsupported")
    return "The customer sent something WhatsApp does not show here: check the phone";
  return `[${message.type}]`;
}

function MediaView({ media }: { media: MessageMedia }) {
  if (media.state === "pending") return <p className="text-xs text-slate-500">Downloading media…</p>;
  if (media.state !== "stored") {
    return <p className="text-xs text-amber-800">Media unavailable{media.error ? `: ${media.error}` : ""}</p>;
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
