import { getConversation } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) => {
  return getConversation({ ctx: { actor }, input: { id: params.id } });
});
