import { setConversationPriority } from "@/lib/conversations";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 4 * 1024)) as { priority?: unknown };
  return setConversationPriority({
    ctx: { actor },
    input: { conversationId: params.id, priority: body?.priority },
  });
});
