import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { holdSends } from "@/lib/messaging";
import { getCampaign } from "./get-campaign";
import { queuedMessageIds } from "./queries";
import type { CampaignDto } from "./schemas";
import { transition } from "./transition";

/**
 * Stops queuing further recipients and recalls the campaign's messages still waiting in the send queue
 * (held until resume); only a send a worker has already claimed still goes.
 */
export async function pauseCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const current = await getCampaign({ ctx, input });
  if (current.state === "paused") return current;
  const paused = await withTransaction(ctx, async (tx) => {
    const moved = await transition(tx, ctx.actor, {
      id: input.id,
      from: ["scheduled", "running"],
      to: "paused",
      set: sql`paused_at = now()`,
      action: "campaign.paused",
    });
    if (moved) await holdSends(tx, await queuedMessageIds(tx, input.id));
    return moved;
  });
  if (!paused)
    throw new ConflictError(`The campaign is ${current.state}; only a running or scheduled one pauses`);
  await publishCampaignChanged({ campaign_id: input.id, state: "paused", reason: "state" });
  return getCampaign({ ctx, input });
}
