import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { selectCampaignOrThrow, selectProgress, toCampaignDto } from "./queries";
import type { CampaignDto } from "./schemas";

/** One campaign with its progress computed now from its recipients' messages. */
export async function getCampaign({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const db = dbOf(ctx);
  const row = await selectCampaignOrThrow(db, input.id);
  const progress = await selectProgress(db, [row.id]);
  return toCampaignDto(row, progress.get(row.id)!);
}
