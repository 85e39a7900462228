import type { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { assertConversationReadable, assertInScope } from "./get-conversation";
import { selectThreadMessages, type ThreadRead } from "./queries";
import { listMessagesInput, type ListMessagesInput } from "./schemas";

/**
 * A thread's messages: a page, what follows a message (live catch-up) or named messages. One statement reads
 * the caller's scope, the messages and their media together; a malformed request costs a scope check first,
 * so a conversation the caller may not read answers 404 whatever was asked of it.
 */
export async function listMessages({ ctx, input }: { ctx: Ctx; input: ListMessagesInput }) {
  const params = listMessagesInput.parse(input);
  assertCan(ctx.actor, "conversations:read");
  const read = threadRead(params);
  if (read instanceof ValidationError) {
    await assertConversationReadable(ctx, params.conversationId);
    throw read;
  }
  const result = await selectThreadMessages(dbOf(ctx), read);
  assertInScope(ctx, result?.scope);
  if (!result?.anchored)
    throw new ValidationError("after is not a message of this conversation", { field: "after" });
  return result.page;
}

/** Which read the query asks for, or why it asks for none. */
function threadRead(params: z.output<typeof listMessagesInput>): ThreadRead | ValidationError {
  const { conversationId, limit } = params;
  if (params.ids) {
    // Named rows are not a page: no direction to page in.
    if (params.cursor || params.after !== undefined)
      return new ValidationError("ids cannot be combined with cursor or after", { field: "ids" });
    return { kind: "ids", conversationId, ids: params.ids };
  }
  if (params.cursor && !decodeCursor(params.cursor))
    return new ValidationError("cursor is not valid", { field: "cursor" });
  if (params.after === undefined) return { kind: "page", conversationId, cursor: params.cursor, limit };
  // Two directions at once have no single page order.
  if (params.cursor) return new ValidationError("after cannot be combined with cursor", { field: "after" });
  return { kind: "after", conversationId, after: params.after, limit };
}
