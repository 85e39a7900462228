import { route } from "@/lib/http/route";
import { requestMarkRead } from "@/lib/messaging";

export const dynamic = "force-dynamic";

/** The agent is typing a reply: the customer sees "typing…" (cleared by the reply or after 25 s). */
export const POST = route<{ id: string }>(async (_req, { actor, params }) => {
  await requestMarkRead({ ctx: { actor }, input: { conversationId: params.id, typing: true } });
  return { ok: true };
});
