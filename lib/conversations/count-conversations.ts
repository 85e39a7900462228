import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { countConversations as selectCounts } from "./queries";

/** Badge counts for the inbox's views (open conversations; bot and snoozed by status), within scope. */
export async function countConversations({ ctx }: { ctx: Ctx }) {
  assertCan(ctx.actor, "conversations:read");
  return selectCounts(dbOf(ctx), ctx.actor);
}
