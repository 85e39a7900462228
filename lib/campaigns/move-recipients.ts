import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

/**
 * Contact merge: campaign history follows the person, so a rerun finds who was already sent to. Where both
 * contacts were recipients of one campaign, the survivor's row stays and the merged one's goes with it.
 */
export async function moveCampaignRecipients(
  tx: Tx,
  fromContactId: string,
  intoContactId: string,
): Promise<void> {
  await tx.execute(sql`
    update campaign_recipients r set contact_id = ${intoContactId}
    where r.contact_id = ${fromContactId}
      and not exists (select 1 from campaign_recipients x where x.campaign_id = r.campaign_id and x.contact_id = ${intoContactId})`);
}
