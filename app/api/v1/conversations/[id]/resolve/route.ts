import { resolveConversation } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  resolveConversation({ ctx: { actor }, input: { conversationId: params.id } }),
);
