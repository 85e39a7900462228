import { sql } from "drizzle-orm";
import { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import { assignConversation } from "@/lib/conversations";
import { dbOf, type Ctx } from "@/lib/db/context";

export const reassignAllInput = z
  .object({
    from_user_id: z.uuid(),
    /** Another agent, or null to put the conversations back in their team's queue. */
    to_user_id: z.uuid().nullable(),
  })
  .strict();

/**
 * Bulk reassign (an agent went offline): each of their open conversations goes to another agent or back to
 * its queue, one by one through the normal assign verb, so every move is checked, on the timeline and
 * audited. Returns how many moved and which were refused (e.g. the target is not in that team).
 */
export async function reassignAll({ ctx, input }: { ctx: Ctx; input: z.input<typeof reassignAllInput> }) {
  assertCan(ctx.actor, "conversations:assign");
  const params = reassignAllInput.parse(input);
  const rows = await dbOf(ctx).execute<{ id: string }>(sql`
    select id from conversations where assignee_id = ${params.from_user_id} and status in ('open', 'snoozed')
    order by waiting_since nulls last`);
  const refused: { conversation_id: string; reason: string }[] = [];
  let moved = 0;
  for (const row of rows) {
    try {
      await assignConversation({ ctx, input: { conversationId: row.id, assignee_id: params.to_user_id } });
      moved += 1;
    } catch (error) {
      refused.push({ conversation_id: row.id, reason: (error as Error).message });
    }
  }
  return { moved, refused };
}
