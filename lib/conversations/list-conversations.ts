import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { selectConversations } from "./queries";
import { listConversationsInput, type ListConversationsInput } from "./schemas";

export async function listConversations({ ctx, input }: { ctx: Ctx; input: ListConversationsInput }) {
  assertCan(ctx.actor, "conversations:read");
  const params = listConversationsInput.parse(input);
  if (params.cursor && !decodeCursor(params.cursor))
    throw new ValidationError("cursor is not valid", { field: "cursor" });
  return selectConversations(dbOf(ctx), { actor: ctx.actor, ...params });
}
