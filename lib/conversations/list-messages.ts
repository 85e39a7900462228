import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { getConversation } from "./get-conversation";
import { selectMessages } from "./queries";
import { listMessagesInput, type ListMessagesInput } from "./schemas";

export async function listMessages({ ctx, input }: { ctx: Ctx; input: ListMessagesInput }) {
  const params = listMessagesInput.parse(input);
  await getConversation({ ctx, input: { id: params.conversationId } });
  if (params.cursor && !decodeCursor(params.cursor))
    throw new ValidationError("cursor is not valid", { field: "cursor" });
  return selectMessages(dbOf(ctx), params);
}
