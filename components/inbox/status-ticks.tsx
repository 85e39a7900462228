import type { MessageDto } from "@/lib/conversations/schemas";

type Status = NonNullable<MessageDto["status"]>;

const labels: Record<Status, string> = {
  queued: "Sending",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  played: "Played",
  failed: "Not delivered",
};

/** WhatsApp's receipts: clock, ✓ sent, ✓✓ delivered, blue ✓✓ read, blue ▶ played. */
export function StatusTicks({ status }: { status: Status }) {
  const blue = status === "read" || status === "played";
  return (
    <span
      data-testid="message-status"
      data-status={status}
      role="img"
      aria-label={labels[status]}
      title={labels[status]}
      className={`ml-1 inline-flex items-center align-[-2px] ${
        status === "failed" ? "text-red-600" : blue ? "text-sky-500" : "text-slate-500 dark:text-slate-400"
      }`}
    >
      {status === "queued" && <Clock />}
      {status === "sent" && <Check />}
      {(status === "delivered" || status === "read") && <DoubleCheck />}
      {status === "played" && (
        <>
          <DoubleCheck />
          <svg viewBox="0 0 10 10" className="ml-0.5 h-2.5 w-2.5" aria-hidden>
            <path d="M2 1 L9 5 L2 9 Z" fill="currentColor" />
          </svg>
        </>
      )}
      {status === "failed" && (
        <svg viewBox="0 0 16 16" className="h-3.5 w-3.5" aria-hidden>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <path d="M8 4v5M8 11.2v.3" stroke="white" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      )}
    </span>
  );
}

function Clock() {
  return (
    <svg viewBox="0 0 16 16" className="h-3 w-3" aria-hidden>
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

function Check() {
  return (
    <svg viewBox="0 0 16 11" className="h-3 w-4" aria-hidden>
      <path
        d="M1.5 6l3.5 3.5L12 2"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}

function DoubleCheck() {
  return (
    <svg viewBox="0 0 18 11" className="h-3 w-[18px]" aria-hidden>
      <path d="M1 6l3.5 3.5L11 2" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      <path
        d="M7.5 8.5l1 1L15.5 2"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
