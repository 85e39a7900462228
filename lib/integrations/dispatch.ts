import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { open } from "@/lib/auth/secret-box";
import { getSql } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { WEBHOOK_CHANNEL } from "./events";

const BATCH = 20;
const TIMEOUT_MS = 10_000;
// A claimed delivery is ours for this long; a worker that dies mid-POST leaves it to be retried.
const LEASE = "60 seconds";
// 30 s, 1 min, 2 min … about 4 h in total, then the delivery is marked failed (and can be redelivered).
const MAX_ATTEMPTS = 10;
// Enough of the receiver's answer to see why it refused, without storing whatever it chose to send.
export const RESPONSE_BODY_BYTES = 2048;

type Due = {
  id: string;
  url: string;
  secret: string;
  event_type: string;
  payload: unknown;
  attempts: number;
};

/** Signs like Meta signs ours and like our bot events: HMAC-SHA256 over `<timestamp>.<body>`. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * POSTs due deliveries (claimed with SKIP LOCKED, so any number of workers share them) and records each
 * result: 2xx delivered; anything else retried with exponential backoff, then failed. Returns how many it tried.
 */
export async function deliverDueWebhooks({ ctx }: { ctx: Ctx }): Promise<number> {
  assertCan(ctx.actor, "ingest:apply");
  const due = await withTransaction(ctx, (tx) =>
    tx.execute<Due>(sql`
      with picked as (
        select d.id from webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= now()
        order by d.next_attempt_at limit ${BATCH}
        for update skip locked
      )
      update webhook_deliveries d set next_attempt_at = now() + ${LEASE}::interval, attempts = d.attempts + 1
      from picked, webhook_endpoints e
      where d.id = picked.id and e.id = d.endpoint_id
      returning d.id, e.url, e.secret, d.event_type, d.payload, d.attempts`),
  );
  await Promise.all(due.map((delivery) => attempt(ctx, delivery)));
  return due.length;
}

async function attempt(ctx: Ctx, delivery: Due) {
  const secret = open(delivery.secret, "webhook-secret");
  const body = JSON.stringify({ id: Number(delivery.id), ...(delivery.payload as object) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  let status: number | null = null;
  let error: string | null = null;
  let answer: { text: string; truncated: boolean } = { text: "", truncated: false };
  try {
    if (!secret) throw new Error("the endpoint's secret cannot be read (AUTH_SECRET changed?)");
    const response = await fetch(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-tandem-event": delivery.event_type,
        "x-tandem-delivery": String(delivery.id),
        "x-tandem-timestamp": timestamp,
        "x-tandem-signature": signWebhook(secret, timestamp, body),
      },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = response.status;
    if (!response.ok) error = `HTTP ${response.status}`;
    answer = await readHead(response, RESPONSE_BODY_BYTES);
  } catch (e) {
    // fetch's own message is just "fetch failed"; the cause says why (ECONNREFUSED, a TLS error, timeout).
    const cause = (e as Error).cause as { message?: string; code?: string } | undefined;
    const detail = cause?.message ?? cause?.code;
    error = [(e as Error).message, detail].filter(Boolean).join(": ").slice(0, 500);
  }
  const delivered = error === null;
  await dbOf(ctx).execute(sql`
    update webhook_deliveries set
      status = case when ${delivered} then 'delivered' when attempts >= ${MAX_ATTEMPTS} then 'failed' else 'pending' end,
      delivered_at = case when ${delivered} then now() else null end,
      last_status_code = ${status}, last_error = ${error},
      last_response_body = ${status === null ? null : answer.text}, last_response_truncated = ${answer.truncated},
      next_attempt_at = case when ${delivered} then next_attempt_at
                             else now() + make_interval(secs => least(3600, 30 * power(2, attempts - 1))) end
    where id = ${delivery.id}`);
}

/**
 * The first `limit` bytes of the body as text, reading no further (the rest is cancelled). A character cut
 * at the limit is dropped, and NUL (which Postgres text cannot hold) becomes U+FFFD; nothing else changes.
 */
async function readHead(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > limit) {
        truncated = true;
        break;
      }
    }
  } catch {
    // A body cut off mid-stream: keep what arrived.
  } finally {
    if (truncated) await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const take = chunk.subarray(0, bytes.byteLength - at);
    bytes.set(take, at);
    at += take.byteLength;
    if (at >= bytes.byteLength) break;
  }
  const text = new TextDecoder("utf-8").decode(bytes, { stream: truncated });
  return { text: text.replaceAll("\u0000", "\uFFFD"), truncated };
}

/** Worker lane: delivers at once when an event is queued (NOTIFY) and polls for retries that come due. */
export async function startWebhookDispatcher(ctx: Ctx): Promise<() => Promise<void>> {
  let stopping = false;
  let wake: (() => void) | null = null;
  const subscription = await getSql().listen(WEBHOOK_CHANNEL, () => wake?.());
  const loop = (async () => {
    while (!stopping) {
      try {
        if ((await deliverDueWebhooks({ ctx })) > 0) continue;
      } catch (error) {
        console.error(`[integrations] ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();
  return async () => {
    stopping = true;
    wake?.();
    await subscription.unlisten().catch(() => {});
    await loop;
  };
}
