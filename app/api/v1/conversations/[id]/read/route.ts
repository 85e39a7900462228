import { markRead } from "@/lib/conversations";
import { route } from "@/lib/http/route";
import { requestMarkRead } from "@/lib/messaging";

export const dynamic = "force-dynamic";

/** The agent opened the thread: clear unread here and send the customer their blue ticks. */
export const POST = route<{ id: string }>(async (_req, { actor, params }) => {
  await markRead({ ctx: { actor }, input: { conversationId: params.id } });
  await requestMarkRead({ ctx: { actor }, input: { conversationId: params.id } });
  return { ok: true };
});
