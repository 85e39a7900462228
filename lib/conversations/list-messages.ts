import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { assertConversationReadable } from "./get-conversation";
import { selectMessages, selectMessagesAfter, selectMessagesByIds } from "./queries";
import { listMessagesInput, type ListMessagesInput } from "./schemas";

export async function listMessages({ ctx, input }: { ctx: Ctx; input: ListMessagesInput }) {
  const params = listMessagesInput.parse(input);
  await assertConversationReadable(ctx, params.conversationId);
  if (params.ids) {
    // Named rows are not a page: no direction to page in.
    if (params.cursor || params.after !== undefined)
      throw new ValidationError("ids cannot be combined with cursor or after", { field: "ids" });
    return selectMessagesByIds(dbOf(ctx), { conversationId: params.conversationId, ids: params.ids });
  }
  if (params.cursor && !decodeCursor(params.cursor))
    throw new ValidationError("cursor is not valid", { field: "cursor" });
  if (params.after === undefined) return selectMessages(dbOf(ctx), params);
  // Two directions at once have no single page order.
  if (params.cursor) throw new ValidationError("after cannot be combined with cursor", { field: "after" });
  const page = await selectMessagesAfter(dbOf(ctx), { ...params, after: params.after });
  if (!page) throw new ValidationError("after is not a message of this conversation", { field: "after" });
  return page;
}
