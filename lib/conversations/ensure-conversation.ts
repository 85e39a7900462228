import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";

/**
 * The contact's conversation on a number, created when a business-initiated send (a campaign) is the
 * first contact. It starts resolved: an outbound template is not work for agents until the customer answers.
 */
export async function ensureConversation(
  tx: Tx,
  input: { contactId: string; numberId: string },
): Promise<{ id: string; created: boolean }> {
  const [created] = await tx.execute<{ id: string }>(sql`
    insert into conversations (contact_id, phone_number_id, team_id, status)
    select ${input.contactId}, n.id, n.default_team_id, 'resolved'::conversation_status
    from phone_numbers n where n.id = ${input.numberId}
    on conflict (contact_id, phone_number_id) do nothing
    returning id`);
  if (created) return { id: created.id, created: true };
  const [existing] = await tx.execute<{ id: string }>(sql`
    select id from conversations where contact_id = ${input.contactId} and phone_number_id = ${input.numberId}`);
  if (!existing) throw new Error(`number ${input.numberId} not found`);
  return { id: existing.id, created: false };
}
