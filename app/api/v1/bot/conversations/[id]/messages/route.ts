import { botSend } from "@/lib/bots";
import { botRoute } from "@/lib/http/bot-route";
import { readJsonBody } from "@/lib/http/json-body";

export const dynamic = "force-dynamic";

/** The bot answers the customer (text or interactive, the same body as agents' sends). */
export const POST = botRoute<{ id: string }>(async (req, { bot, params }) => {
  const message = await readJsonBody(req, 64 * 1024);
  const sent = await botSend({
    bot,
    conversationId: params.id,
    idempotencyKey: req.headers.get("idempotency-key"),
    message,
  });
  return Response.json(sent.message, { status: sent.replayed ? 200 : 201 });
});
