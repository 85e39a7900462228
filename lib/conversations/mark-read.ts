import { dbOf, type Ctx } from "@/lib/db/context";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { getConversation } from "./get-conversation";
import { markConversationRead } from "./queries";

/** An agent opened the thread: clear its unread count for everyone watching the list. */
export async function markRead({ ctx, input }: { ctx: Ctx; input: { conversationId: string } }) {
  const conversation = await getConversation({ ctx, input: { id: input.conversationId } });
  if (conversation.unread_count === 0) return;
  const seq = await markConversationRead(dbOf(ctx), conversation.id);
  await publishConversationChanged({
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    seq,
    reason: "read",
  });
}
