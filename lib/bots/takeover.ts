import { sql } from "drizzle-orm";
import { actOnConversation, syncCycleOwner } from "@/lib/conversations";
import type { Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { pauseBotForHuman } from "./pause";

/** An agent takes the conversation from the bot: the bot stops at once and the conversation is theirs. */
export async function takeOverConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string };
}): Promise<{ status: "open"; assignee_id: string | null }> {
  const me = ctx.actor.type === "user" ? ctx.actor.id : null;
  return actOnConversation(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.status !== "bot") throw new ConflictError("This conversation is not with the bot");
      await pauseBotForHuman(tx, {
        conversationId: conversation.id,
        reason: "taken_over",
        actor: ctx.actor,
        at: new Date(),
      });
      if (me)
        await tx.execute(
          sql`update conversations set assignee_id = ${me}, assigned_at = now() where id = ${conversation.id}`,
        );
      await syncCycleOwner(tx, conversation.id);
      return {
        result: { status: "open" as const, assignee_id: me },
        audit: { action: "conversation.taken_over", data: { from: "bot" } },
        reason: "assignment",
      };
    },
  );
}
