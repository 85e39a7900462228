import { assertCan } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import { dbOf, type Ctx } from "@/lib/db/context";
import { checkSegmentAttributes, classifySegment } from "./audience";
import { checkSegmentRefs, resolveNumberAndTemplate } from "./definition";
import { estimateCost, type PricedCategory } from "./pricing";
import { selectCampaignOrThrow } from "./queries";
import {
  campaignSegment,
  estimateCampaignInput,
  type CampaignEstimate,
  type CampaignSegment,
  type EstimateCampaignInput,
  type SkipReason,
} from "./schemas";

/** Before creating: who the draft would reach, who is skipped and why, and what it would roughly cost. */
export async function estimateCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: EstimateCampaignInput & { variables?: Record<string, string> };
}): Promise<CampaignEstimate> {
  assertCan(ctx.actor, "campaigns:manage");
  const data = estimateCampaignInput.parse(input);
  const db = dbOf(ctx);
  const { number, template } = await resolveNumberAndTemplate(db, ctx, {
    numberId: data.number_id,
    templateId: data.template_id,
  });
  await checkSegmentRefs(db, data.segment);
  await checkSegmentAttributes(db, data.segment);
  return estimateFor(db, {
    numberId: number.id,
    wabaId: number.waba_id,
    segment: data.segment,
    templateCategory: template.category,
    variables: input.variables,
  });
}

/** The same for a saved campaign (its recipients as the segment stands now). */
export async function getCampaignEstimate({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<CampaignEstimate> {
  assertCan(ctx.actor, "campaigns:manage");
  const db = dbOf(ctx);
  const campaign = await selectCampaignOrThrow(db, input.id);
  return estimateFor(db, {
    numberId: campaign.phone_number_id,
    wabaId: campaign.waba_id,
    segment: campaignSegment.parse(campaign.segment),
    templateCategory: campaign.template_category,
    variables: campaign.variables,
  });
}

export async function estimateFor(
  db: DbOrTx,
  input: {
    numberId: string;
    wabaId: string;
    segment: CampaignSegment;
    templateCategory: string | null;
    variables?: Record<string, string>;
  },
): Promise<CampaignEstimate> {
  let segmentSize = 0;
  const skippedByReason: Partial<Record<SkipReason, number>> = {};
  const priced: { country: string | null; windowOpen: boolean }[] = [];
  await classifySegment(db, input, async (rows) => {
    segmentSize += rows.length;
    for (const row of rows) {
      if (row.skip) skippedByReason[row.skip] = (skippedByReason[row.skip] ?? 0) + 1;
      else priced.push({ country: row.country, windowOpen: row.windowOpen });
    }
  });
  return {
    segment_size: segmentSize,
    recipients: priced.length,
    skipped: segmentSize - priced.length,
    skipped_by_reason: skippedByReason,
    cost: estimateCost(pricedCategory(input.templateCategory), priced),
  };
}

function pricedCategory(category: string | null): PricedCategory {
  const upper = (category ?? "").toUpperCase();
  return upper === "MARKETING" || upper === "AUTHENTICATION" ? upper : "UTILITY";
}
