import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { getCampaign } from "./get-campaign";
import { selectCampaignOrThrow } from "./queries";
import { scheduleCampaignRun } from "./schedule-run";
import { startCampaignInput, type CampaignDto } from "./schemas";
import { transition } from "./transition";

/**
 * Starts a draft now, or schedules it. Starting a running or scheduled campaign again changes nothing (a
 * double click, a retried request): its recipients are queued once whatever happens.
 */
export async function startCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; scheduled_at?: string | null };
}): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const data = startCampaignInput.parse({ scheduled_at: input.scheduled_at });
  const outcome = await withTransaction(ctx, async (tx) => {
    const campaign = await selectCampaignOrThrow(tx, input.id);
    if (campaign.state === "running" || (campaign.state === "scheduled" && data.scheduled_at === undefined))
      return { changed: false, state: campaign.state };
    if (campaign.state !== "draft" && campaign.state !== "scheduled")
      throw new ConflictError(
        campaign.state === "paused"
          ? "The campaign is paused: resume it"
          : `The campaign is ${campaign.state}`,
      );
    const at = data.scheduled_at !== undefined ? data.scheduled_at : campaign.scheduled_at;
    const later = at !== null && new Date(at).getTime() > Date.now();
    const to = later ? "scheduled" : "running";
    await transition(tx, ctx.actor, {
      id: campaign.id,
      from: ["draft", "scheduled"],
      to,
      set: later
        ? sql`scheduled_at = ${new Date(at).toISOString()}::timestamptz`
        : sql`started_at = coalesce(started_at, now())`,
      action: later ? "campaign.scheduled" : "campaign.started",
      data: later ? { scheduled_at: new Date(at).toISOString() } : {},
    });
    return { changed: true, state: to };
  });
  if (outcome.changed) {
    await publishCampaignChanged({ campaign_id: input.id, state: outcome.state, reason: "state" });
    // A scheduled start is the per-minute tick's to pick up: a job delayed until then would block (same
    // key) the immediate run that "start now" needs if the plan changes.
    if (outcome.state === "running") await scheduleCampaignRun(input.id);
  }
  return getCampaign({ ctx, input: { id: input.id } });
}
