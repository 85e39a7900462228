import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./signature";

const secret = "app-secret-for-tests";
// Meta escapes non-ASCII as \uXXXX: the bytes signed are not what JSON.stringify would produce.
const body = Buffer.from('{"object":"whatsapp_business_account","text":"caf\\u00e9 \\ud83d\\ude00"}');
const good = `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;

describe("verifyWebhookSignature", () => {
  it("accepts Meta's signature over the exact raw bytes", () => {
    expect(verifyWebhookSignature(body, good, secret)).toBe(true);
    expect(signWebhookBody(body, secret)).toBe(good);
  });

  it.each([
    ["missing header", undefined],
    ["empty header", ""],
    ["wrong secret", `sha256=${crypto.createHmac("sha256", "other").update(body).digest("hex")}`],
    ["sha1 only", `sha1=${crypto.createHmac("sha1", secret).update(body).digest("hex")}`],
    ["truncated hex", good.slice(0, -1)],
    ["uppercase hex", `sha256=${good.slice(7).toUpperCase()}`],
    ["no prefix", good.slice(7)],
    [
      "re-serialized JSON",
      `sha256=${crypto
        .createHmac("sha256", secret)
        .update(JSON.stringify(JSON.parse(body.toString())))
        .digest("hex")}`,
    ],
  ])("rejects %s", (_name, header) => {
    expect(verifyWebhookSignature(body, header, secret)).toBe(false);
  });

  it("rejects a valid signature when one byte of the body changed", () => {
    const tampered = Buffer.from(body);
    tampered[10] = tampered[10]! ^ 1;
    expect(verifyWebhookSignature(tampered, good, secret)).toBe(false);
  });
});
