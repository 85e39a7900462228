import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { assignConversation } from "@/lib/conversations";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { reassignAllInput, type ReassignAllInput, type ReassignAllResult } from "./schemas";

export { reassignAllInput };

/**
 * Bulk reassign (an agent went offline): each of their open conversations goes to another agent or back to
 * its queue, one by one through the normal assign verb, so every move is checked, on the timeline and
 * audited. Only conversations in the caller's scope are touched (as on the board); one summary entry records
 * the bulk action itself. Returns how many moved and which were refused (e.g. the target is not in that team).
 */
export async function reassignAll({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ReassignAllInput;
}): Promise<ReassignAllResult> {
  assertCan(ctx.actor, "conversations:assign");
  const params = reassignAllInput.parse(input);
  const actor = ctx.actor;
  const scope =
    actor.type === "system" || actor.role === "admin"
      ? sql``
      : sql`and (team_id = any(${`{${actor.teamIds.join(",")}}`}::uuid[]) or team_id is null)`;
  const rows = await dbOf(ctx).execute<{ id: string }>(sql`
    select id from conversations where assignee_id = ${params.from_user_id} and status in ('open', 'snoozed')
      ${scope}
    order by waiting_since nulls last`);
  const refused: ReassignAllResult["refused"] = [];
  let moved = 0;
  for (const row of rows) {
    try {
      await assignConversation({ ctx, input: { conversationId: row.id, assignee_id: params.to_user_id } });
      moved += 1;
    } catch (error) {
      refused.push({ conversation_id: row.id, reason: (error as Error).message });
    }
  }
  if (rows.length > 0)
    await withTransaction(ctx, (tx) =>
      emitAudit(tx, ctx.actor, {
        action: "board.bulk_reassigned",
        entityType: "user",
        entityId: params.from_user_id,
        data: { to_user_id: params.to_user_id, moved, refused: refused.length },
      }),
    );
  return { moved, refused };
}
