import { removeConversationLabel } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string; labelId: string }>(async (_req, { actor, params }) =>
  removeConversationLabel({ ctx: { actor }, input: { conversationId: params.id, labelId: params.labelId } }),
);
