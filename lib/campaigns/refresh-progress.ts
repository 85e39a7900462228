import { sql } from "drizzle-orm";
import { recordMarketingStop } from "@/lib/consent";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { persistRecipientStates, selectProgress } from "./queries";

const STOPPED_MARKETING = "131050";

/**
 * Brings recipient rows up to date with their messages, records opt-outs for sends Meta refused with
 * 131050 before any webhook could say so, and pushes a campaign.changed event only when the counts moved.
 */
export async function refreshProgress(ctx: Ctx, campaignId: string): Promise<boolean> {
  const db = dbOf(ctx);
  const changed = await persistRecipientStates(db, campaignId);
  const failed = changed.filter((r) => r.state === "failed").map((r) => r.message_id);
  if (failed.length > 0) {
    const stopped = await db.execute<{
      id: string;
      contact_id: string;
      conversation_id: string;
      timestamp: string;
    }>(
      sql`
      select m.id, c.contact_id, c.id as conversation_id, m.timestamp
      from messages m join conversations c on c.id = m.conversation_id
      where m.id = any(${`{${failed.join(",")}}`}::uuid[]) and m.error->>'code' = ${STOPPED_MARKETING}`,
    );
    for (const message of stopped)
      await withTransaction(ctx, (tx) =>
        recordMarketingStop(tx, {
          contactId: message.contact_id,
          conversationId: message.conversation_id,
          messageId: message.id,
          at: new Date(message.timestamp),
        }),
      );
  }
  const progress = (await selectProgress(db, [campaignId])).get(campaignId)!;
  const counts = { ...progress, skipped_by_reason: undefined };
  const [moved] = await db.execute<{ state: string }>(sql`
    update campaigns set counts = ${JSON.stringify(counts)}::jsonb
    where id = ${campaignId} and counts is distinct from ${JSON.stringify(counts)}::jsonb
    returning state`);
  if (moved)
    await publishCampaignChanged({ campaign_id: campaignId, state: moved.state, reason: "progress" });
  return Boolean(moved);
}
