import crypto from "node:crypto";

const PREFIX = "sha256=";

/**
 * Checks Meta's X-Hub-Signature-256 over the raw body bytes (PROTOCOL.md §1.2).
 * Constant-time: the comparison never exits early on the first differing byte.
 */
export function verifyWebhookSignature(
  rawBody: Uint8Array,
  header: string | null | undefined,
  appSecret: string,
): boolean {
  if (!header || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length);
  // Meta sends lowercase hex; anything else is not a signature we issued-and-verified against.
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const expected = crypto.createHmac("sha256", appSecret).update(rawBody).digest();
  return crypto.timingSafeEqual(Buffer.from(hex, "hex"), expected);
}

export function signWebhookBody(rawBody: Uint8Array | string, appSecret: string): string {
  return PREFIX + crypto.createHmac("sha256", appSecret).update(rawBody).digest("hex");
}
