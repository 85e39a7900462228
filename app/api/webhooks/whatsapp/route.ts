import { after, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env.js";
import { acceptWebhook, scheduleWebhookApply } from "@/lib/ingest";

export const dynamic = "force-dynamic";

/** Meta's subscription handshake (PROTOCOL.md §1.1): echo hub.challenge only for our verify token. */
export function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  const token = getEnv().META_VERIFY_TOKEN;
  if (params.get("hub.mode") === "subscribe" && token && params.get("hub.verify_token") === token) {
    return new Response(params.get("hub.challenge") ?? "", {
      status: 200,
      headers: { "content-type": "text/plain" },
    });
  }
  return new Response("Forbidden", { status: 403 });
}

/** Verify, store, acknowledge; the apply job is enqueued after the response (recovery covers a crash here). */
export async function POST(req: NextRequest) {
  const ack = await acceptWebhook(req);
  if (ack.eventId !== undefined) {
    const eventId = ack.eventId;
    after(() => scheduleWebhookApply(eventId));
  }
  return new Response(ack.message, { status: ack.status, headers: { "content-type": "text/plain" } });
}
