import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { selectConversation } from "./queries";
import { isUuid } from "@/lib/utils/ids";

/** Fetch-or-throw with object scope: out-of-scope conversations look the same as missing ones. */
export async function getConversation({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "conversations:read");
  const conversation = isUuid(input.id) ? await selectConversation(dbOf(ctx), input.id) : undefined;
  if (!conversation) throw new NotFoundError("Conversation");
  try {
    assertCan(ctx.actor, "conversations:read", {
      teamId: conversation.team_id,
      assigneeId: conversation.assignee_id,
    });
  } catch {
    throw new NotFoundError("Conversation");
  }
  return conversation;
}
