import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { withdrawSends, type WithdrawReason } from "@/lib/messaging";
import { getCampaign } from "./get-campaign";
import { queuedMessageIds } from "./queries";
import type { CampaignDto } from "./schemas";
import { transition } from "./transition";

/**
 * Ends the campaign for good: recipients not queued yet are skipped as `cancelled`, and its messages still
 * waiting in the send queue are withdrawn (failed with "campaign cancelled", never sent). A send a worker
 * has already claimed still goes.
 */
const CAMPAIGN_CANCELLED: WithdrawReason = {
  code: "campaign_cancelled",
  title: "Not sent: the campaign was cancelled",
  hint: "This message was withdrawn before it reached WhatsApp; the customer never received it.",
};

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
    if (!moved) return null;
    await tx.execute(sql`
      update campaign_recipients set state = 'skipped', skip_reason = 'cancelled', updated_at = now()
      where campaign_id = ${input.id} and state = 'pending'`);
    const withdrawal = await withdrawSends(tx, await queuedMessageIds(tx, input.id), CAMPAIGN_CANCELLED);
    if (withdrawal.withdrawn.length > 0)
      await tx.execute(sql`
        update campaign_recipients set state = 'skipped', skip_reason = 'cancelled', message_id = null,
          updated_at = now()
        where campaign_id = ${input.id} and message_id = any(${`{${withdrawal.withdrawn.join(",")}}`}::uuid[])`);
    return withdrawal;
  });
  if (cancelled) await cancelled.publish();
  if (!cancelled) throw new ConflictError(`The campaign is ${current.state}; it can no longer be cancelled`);
  await publishCampaignChanged({ campaign_id: input.id, state: "cancelled", reason: "state" });
  return getCampaign({ ctx, input });
}
