import type { CampaignProgress, CampaignState } from "@/lib/campaigns/schemas";

export const badge = "rounded-full px-2 py-0.5 text-xs font-medium";

export const stateTone: Record<CampaignState, string> = {
  draft: "bg-slate-100 text-slate-700",
  scheduled: "bg-sky-100 text-sky-800",
  running: "bg-emerald-100 text-emerald-800",
  paused: "bg-amber-100 text-amber-800",
  completed: "bg-indigo-100 text-indigo-800",
  cancelled: "bg-red-100 text-red-800",
};

/** Progress segments in bar order: furthest along first. */
export const progressParts: {
  key: keyof Omit<CampaignProgress, "total" | "skipped_by_reason">;
  label: string;
  tone: string;
}[] = [
  { key: "replied", label: "Replied", tone: "bg-emerald-700" },
  { key: "read", label: "Read", tone: "bg-emerald-500" },
  { key: "delivered", label: "Delivered", tone: "bg-sky-500" },
  { key: "sent", label: "Sent", tone: "bg-sky-300" },
  { key: "queued", label: "Queued", tone: "bg-slate-400" },
  { key: "failed", label: "Failed", tone: "bg-red-500" },
  { key: "skipped", label: "Skipped", tone: "bg-amber-300" },
  { key: "pending", label: "Waiting", tone: "bg-slate-200" },
];

export const skipReasonLabel: Record<string, string> = {
  no_opt_in: "no marketing opt-in",
  opted_out: "opted out",
  no_recipient: "no phone or WhatsApp id",
  missing_variable: "a variable had no value",
  cancelled: "campaign cancelled",
};

export function money(value: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 4 }).format(
    value,
  );
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** Recipients that have left the queue: sent on, or settled as failed or skipped. */
export function doneCount(p: CampaignProgress): number {
  return p.total - p.pending - p.queued;
}
