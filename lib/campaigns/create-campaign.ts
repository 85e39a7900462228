import { personId } from "@/lib/auth/actor";
import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { checkSegmentAttributes } from "./audience";
import { checkMessageDefinition, checkSegmentRefs, resolveNumberAndTemplate } from "./definition";
import { emptyProgress, selectCampaignOrThrow, toCampaignDto } from "./queries";
import { createCampaignInput, type CampaignDto, type CreateCampaignInput } from "./schemas";

/** A draft campaign: the template is checked now, the segment is turned into recipients when it starts. */
export async function createCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateCampaignInput;
}): Promise<CampaignDto> {
  assertCan(ctx.actor, "campaigns:manage");
  const data = createCampaignInput.parse(input);
  const row = await withTransaction(ctx, async (tx) => {
    const { number, template } = await resolveNumberAndTemplate(tx, ctx, {
      numberId: data.number_id,
      templateId: data.template_id,
    });
    checkMessageDefinition(template, data);
    await checkSegmentRefs(tx, data.segment);
    await checkSegmentAttributes(tx, data.segment);
    const [created] = await tx.execute<{ id: string }>(sql`
      insert into campaigns (name, phone_number_id, template_id, variables, header, buttons, segment, scheduled_at,
                             created_by)
      values (${data.name}, ${number.id}, ${template.id}, ${JSON.stringify(data.variables)}::jsonb,
              ${data.header ? JSON.stringify(data.header) : null}::jsonb,
              ${data.buttons ? JSON.stringify(data.buttons) : null}::jsonb, ${JSON.stringify(data.segment)}::jsonb,
              ${data.scheduled_at ?? null}::timestamptz, ${personId(ctx.actor)})
      returning id`);
    await emitAudit(tx, ctx.actor, {
      action: "campaign.created",
      entityType: "campaign",
      entityId: created!.id,
      data: { name: data.name, number_id: number.id, template_id: template.id, segment: data.segment },
    });
    return selectCampaignOrThrow(tx, created!.id);
  });
  await publishCampaignChanged({ campaign_id: row.id, state: row.state, reason: "state" });
  return toCampaignDto(row, emptyProgress());
}
