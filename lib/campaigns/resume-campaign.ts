import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { releaseHeldSends } from "@/lib/messaging";
import { getCampaign } from "./get-campaign";
import { queuedMessageIds } from "./queries";
import { scheduleCampaignRun } from "./schedule-run";
import type { CampaignDto } from "./schemas";
import { transition } from "./transition";

/**
 * Carries on from the next pending recipient and releases the messages its pause recalled; a campaign
 * paused before its time goes back to waiting.
 */
export async function resumeCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const current = await getCampaign({ ctx, input });
  if (current.state === "running" || current.state === "scheduled") return current;
  const waiting =
    current.started_at === null &&
    current.scheduled_at !== null &&
    new Date(current.scheduled_at) > new Date();
  const to = waiting ? "scheduled" : "running";
  const resumed = await withTransaction(ctx, async (tx) => {
    const moved = await transition(tx, ctx.actor, {
      id: input.id,
      from: ["paused"],
      to,
      set: waiting ? sql`paused_at = null` : sql`paused_at = null, started_at = coalesce(started_at, now())`,
      action: "campaign.resumed",
    });
    return moved ? await releaseHeldSends(tx, await queuedMessageIds(tx, input.id)) : null;
  });
  if (resumed) await resumed.wake();
  if (!resumed) throw new ConflictError(`The campaign is ${current.state}; only a paused one resumes`);
  await publishCampaignChanged({ campaign_id: input.id, state: to, reason: "state" });
  // A campaign waiting for its time is started by the per-minute tick (see startCampaign).
  if (to === "running") await scheduleCampaignRun(input.id);
  return getCampaign({ ctx, input });
}
