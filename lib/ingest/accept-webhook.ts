import { getEnv } from "@/lib/env.js";
import { readBodyCapped } from "@/lib/http/read-body";
import { verifyWebhookSignature } from "@/lib/whatsapp/signature";
import { storeWebhookEvent } from "./receive";
import { recordWebhookRejection } from "./rejections";
import { nudgeIngestLanes } from "./wake";

export type WebhookAck = { status: 200 | 401 | 413 | 503; message: string; eventId?: number };

/**
 * The whole synchronous part of a webhook POST (DESIGN.md "Ingestion" 1–2): signature over the raw bytes,
 * size cap before buffering, one INSERT. Only a 200 means the body is durably stored.
 */
export async function acceptWebhook(req: {
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
}): Promise<WebhookAck> {
  const { META_APP_SECRET: secret, WEBHOOK_MAX_BYTES: limit } = getEnv();
  const remote = req.headers.get("x-forwarded-for");
  const signature = req.headers.get("x-hub-signature-256");
  if (!signature || !secret) {
    recordWebhookRejection("unsigned", remote);
    return { status: 401, message: "Missing X-Hub-Signature-256" };
  }
  if (Number(req.headers.get("content-length") ?? 0) > limit) {
    recordWebhookRejection("too_large", remote);
    return { status: 413, message: `Body exceeds ${limit} bytes` };
  }
  const raw = await readBodyCapped(req.body, limit);
  if (!raw) {
    recordWebhookRejection("too_large", remote);
    return { status: 413, message: `Body exceeds ${limit} bytes` };
  }
  if (!verifyWebhookSignature(raw, signature, secret)) {
    recordWebhookRejection("bad_signature", remote);
    return { status: 401, message: "Invalid signature" };
  }
  try {
    const eventId = await storeWebhookEvent(raw);
    // After the commit (a lane must find the row): lanes in other processes start on it now.
    nudgeIngestLanes();
    return { status: 200, message: "OK", eventId };
  } catch (error) {
    // Never 200 without a commit: Meta retries a non-200 for days (PROTOCOL.md §1.3).
    console.error(`[webhook] could not store event: ${(error as Error).message}`);
    return { status: 503, message: "Temporarily unavailable" };
  }
}
