import { listMessages } from "@/lib/conversations";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { sendMessage } from "@/lib/messaging";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (req, { actor, params }) => {
  const query = Object.fromEntries(req.nextUrl.searchParams);
  return listMessages({ ctx: { actor }, input: { ...query, conversationId: params.id } });
});

/** Queues a message; the same Idempotency-Key again returns the first message (200) instead of a new one (201). */
export const POST = route<{ id: string }>(async (req, { actor, params, requestId }) => {
  const message = await readJsonBody(req, 64 * 1024);
  const result = await sendMessage({
    ctx: { actor },
    input: { conversationId: params.id, idempotencyKey: req.headers.get("idempotency-key"), message },
  });
  return Response.json(result.message, {
    status: result.replayed ? 200 : 201,
    headers: { "x-request-id": requestId, ...(result.replayed ? { "idempotent-replayed": "true" } : {}) },
  });
});
