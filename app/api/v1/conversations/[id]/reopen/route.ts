import { reopenConversation } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  reopenConversation({ ctx: { actor }, input: { conversationId: params.id } }),
);
