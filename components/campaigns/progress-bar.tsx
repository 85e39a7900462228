import type { CampaignProgress } from "@/lib/campaigns/schemas";
import { progressParts } from "./labels";

/** One stacked bar: each recipient state's share of the campaign. */
export function ProgressBar({ progress, size = "md" }: { progress: CampaignProgress; size?: "sm" | "md" }) {
  const total = Math.max(progress.total, 1);
  return (
    <div
      data-testid="campaign-progress-bar"
      className={`flex w-full overflow-hidden rounded-full bg-slate-100 ${size === "sm" ? "h-1.5" : "h-3"}`}
      aria-label={progressParts
        .filter((p) => progress[p.key] > 0)
        .map((p) => `${progress[p.key]} ${p.label.toLowerCase()}`)
        .join(", ")}
    >
      {progressParts.map((part) =>
        progress[part.key] > 0 ? (
          <span
            key={part.key}
            className={`${part.tone} h-full transition-all`}
            style={{ width: `${(progress[part.key] / total) * 100}%` }}
          />
        ) : null,
      )}
    </div>
  );
}
