import type { NextRequest } from "next/server";
import { getEnv } from "@/lib/env.js";
import { acceptWebhook } from "@/lib/ingest";
import { wakeIngestDrain } from "@/lib/jobs/ingest-drain";

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

/** Verify, store, acknowledge; workers claim stored rows (a worker in this process is woken at once). */
export async function POST(req: NextRequest) {
  const ack = await acceptWebhook(req);
  if (ack.eventId !== undefined) wakeIngestDrain();
  return new Response(ack.message, { status: ack.status, headers: { "content-type": "text/plain" } });
}
