import { handoffConversation, type HandoffInput } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Moves a conversation from the bot to the humans' queue (routing rules pick the team). */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body =
    req.headers.get("content-length") === "0" ? {} : ((await readJsonBody(req, 32 * 1024)) as HandoffInput);
  return handoffConversation({ ctx: { actor }, input: { ...body, conversationId: params.id } });
});
