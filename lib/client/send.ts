import type { MessageDto } from "@/lib/conversations/schemas";
import type { OutboundMessageInput } from "@/lib/messaging/schemas";
import { api, ApiError } from "./api";

// Sending from the browser: one Idempotency-Key per submit, reused for every retry of it, so a request that
// reached the server before the network dropped is answered with the first message instead of a second send.

/** Waits between attempts of one submit; after the last, the agent sees "Not sent" and can try again. */
export const SEND_RETRY_DELAYS_MS = [500, 1_500, 3_000, 6_000] as const;

/** A fresh key per submit. `randomUUID` exists only in secure contexts, so plain-http LANs get the fallback. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const bytes = c.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** POSTs one message, retrying network failures, 5xx, 409 (key in flight) and 429 with the same key. */
export async function sendMessage(
  conversationId: string,
  body: OutboundMessageInput,
  idempotencyKey: string,
  options: { sleep?: (ms: number) => Promise<void>; delays?: readonly number[] } = {},
): Promise<MessageDto> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await api<MessageDto>(`/api/v1/conversations/${conversationId}/messages`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "idempotency-key": idempotencyKey },
      });
    } catch (error) {
      const wait = retryDelay(error, attempt, options.delays);
      if (wait === null) throw error;
      await sleep(wait);
    }
  }
}

/** How long to wait before attempt `attempt + 1`, or null when retrying cannot help (or attempts ran out). */
export function retryDelay(
  error: unknown,
  attempt: number,
  delays: readonly number[] = SEND_RETRY_DELAYS_MS,
): number | null {
  const base = delays[attempt];
  if (base === undefined) return null;
  if (!(error instanceof ApiError)) return isNetworkError(error) ? base : null;
  if (error.status === 429) {
    const after = error.details.retry_after_ms;
    return typeof after === "number" ? Math.max(after, base) : base;
  }
  if (error.status === 409 || error.status >= 500) return base;
  return null;
}

/** fetch and XHR fail with a TypeError when the request never got an answer. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** The server's explanation without the field prefix a 422 carries ("text Messages are at most…"). */
export function explainSendError(error: unknown): string {
  if (error instanceof ApiError) {
    const field = error.details.field;
    const rest = typeof field === "string" ? error.message.slice(field.length + 1) : "";
    if (typeof field === "string" && error.message.startsWith(`${field} `) && /^[A-Z]/.test(rest))
      return rest;
    if (error.status === 429) return "You are sending too fast. Wait a moment and try again.";
    if (error.status >= 500) return "Tandem could not send this right now. Try again in a moment.";
    return error.message;
  }
  if (isNetworkError(error)) return "No connection to Tandem. Check your network and try again.";
  return error instanceof Error ? error.message : "Something went wrong";
}
