import { markRead } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) => {
  await markRead({ ctx: { actor }, input: { conversationId: params.id } });
  return { ok: true };
});
