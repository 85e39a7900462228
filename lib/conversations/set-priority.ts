import { sql } from "drizzle-orm";
import type { Ctx } from "@/lib/db/context";
import { actOnConversation } from "./act";
import { priorityInput } from "./schemas";

export async function setConversationPriority({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string; priority: unknown };
}): Promise<{ priority: string }> {
  const { priority } = priorityInput.parse({ priority: input.priority });
  return actOnConversation(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.priority === priority) return { result: { priority }, unchanged: true };
      await tx.execute(sql`update conversations set priority = ${priority} where id = ${conversation.id}`);
      const data = { from: conversation.priority, to: priority };
      return {
        result: { priority },
        event: { type: "priority_changed", data },
        audit: { action: "conversation.priority_changed", data },
      };
    },
  );
}
