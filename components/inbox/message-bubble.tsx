import type { MessageDto } from "@/lib/conversations/schemas";

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
        <p className="break-words whitespace-pre-wrap">
          {message.text ?? <em className="text-slate-500">[{message.type}]</em>}
        </p>
        <p className="mt-0.5 text-right text-[10px] text-slate-500">{time}</p>
      </div>
    </div>
  );
}
