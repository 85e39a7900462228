import { takeOverConversation } from "@/lib/bots";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Take the conversation from the bot: the bot stops at once and it is assigned to you. */
export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  takeOverConversation({ ctx: { actor }, input: { conversationId: params.id } }),
);
