import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { getCampaign } from "./get-campaign";
import type { CampaignDto } from "./schemas";
import { transition } from "./transition";

/**
 * Ends the campaign for good: recipients not queued yet are skipped as `cancelled`. Messages already in
 * the send queue are not recalled (like pause, they may still go).
 */
export async function cancelCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const current = await getCampaign({ ctx, input });
  if (current.state === "cancelled") return current;
  const cancelled = await withTransaction(ctx, async (tx) => {
    const moved = await transition(tx, ctx.actor, {
      id: input.id,
      from: ["draft", "scheduled", "running", "paused"],
      to: "cancelled",
      set: sql`cancelled_at = now()`,
      action: "campaign.cancelled",
      data: { pending: current.progress.pending },
    });
    if (moved)
      await tx.execute(sql`
        update campaign_recipients set state = 'skipped', skip_reason = 'cancelled', updated_at = now()
        where campaign_id = ${input.id} and state = 'pending'`);
    return moved;
  });
  if (!cancelled) throw new ConflictError(`The campaign is ${current.state}; it can no longer be cancelled`);
  await publishCampaignChanged({ campaign_id: input.id, state: "cancelled", reason: "state" });
  return getCampaign({ ctx, input });
}
