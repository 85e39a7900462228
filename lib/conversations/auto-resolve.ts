import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { getSetting } from "@/lib/settings";
import { resolveConversation } from "./resolve-conversation";

// Resolved one by one through the verb (timeline, audit, cycles, router); this many per tick at most.
const BATCH = 200;

/**
 * Auto-resolve (admin setting): open conversations where nobody is waiting and nothing was said for the
 * configured hours are resolved by the system, each with its timeline row and audit entry.
 */
export async function autoResolveInactive({ ctx }: { ctx: Ctx }): Promise<number> {
  assertCan(ctx.actor, "ingest:apply");
  const hours = await getSetting(dbOf(ctx), "conversations.auto_resolve_after_hours");
  if (!hours) return 0;
  const idle = await dbOf(ctx).execute<{ id: string }>(sql`
    select id from conversations
    where status = 'open' and waiting_since is null and legal_hold_at is null
      and coalesce(last_message_at, created_at) < now() - make_interval(hours => ${hours})
    order by last_message_at limit ${BATCH}`);
  let resolved = 0;
  for (const row of idle) {
    try {
      await resolveConversation({ ctx, input: { conversationId: row.id } });
      resolved += 1;
    } catch (error) {
      console.error(`[auto-resolve] ${row.id}: ${(error as Error).message}`);
    }
  }
  return resolved;
}
