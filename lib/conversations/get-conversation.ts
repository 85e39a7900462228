import { assertCan, type Scope } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { selectConversation, selectConversationScope } from "./queries";
import { isUuid } from "@/lib/utils/ids";

/** Fetch-or-throw with object scope: out-of-scope conversations look the same as missing ones. */
export async function getConversation({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "conversations:read");
  const conversation = isUuid(input.id) ? await selectConversation(dbOf(ctx), input.id) : undefined;
  if (!conversation) throw new NotFoundError("Conversation");
  assertInScope(ctx, { teamId: conversation.team_id, assigneeId: conversation.assignee_id });
  return conversation;
}

/**
 * The same check as getConversation without loading the conversation: one small lookup, for requests that
 * only need the caller to be allowed in (a malformed thread read, before its 422).
 */
export async function assertConversationReadable(ctx: Ctx, id: string): Promise<void> {
  assertCan(ctx.actor, "conversations:read");
  assertInScope(ctx, isUuid(id) ? await selectConversationScope(dbOf(ctx), id) : undefined);
}

/** 404 for a conversation that is missing (no scope) or outside the caller's scope: the two look the same. */
export function assertInScope(ctx: Ctx, scope: Scope | undefined) {
  if (!scope) throw new NotFoundError("Conversation");
  try {
    assertCan(ctx.actor, "conversations:read", scope);
  } catch {
    throw new NotFoundError("Conversation");
  }
}
