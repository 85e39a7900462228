import crypto from "node:crypto";
import { getEnv } from "@/lib/env.js";

// Small secrets at rest (TOTP seeds) and short-lived sealed tokens: AES-256-GCM with a key derived from
// AUTH_SECRET by HKDF, one key per purpose so a box sealed for one use never opens for another.
const VERSION = "v1";

export type BoxPurpose =
  "mfa-secret" | "mfa-enrolment" | "backup-code" | "bot-secret" | "webhook-secret" | "number-token";

export function deriveKey(purpose: BoxPurpose): Buffer {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  return Buffer.from(crypto.hkdfSync("sha256", secret, "tandem.secret-box", purpose, 32));
}

export function seal(plaintext: string, purpose: BoxPurpose): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", deriveKey(purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** The plaintext, or null when the box is malformed, tampered with, or sealed for another purpose or secret. */
export function open(box: string, purpose: BoxPurpose): string | null {
  const [version, iv, tag, body] = box.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) return null;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", deriveKey(purpose), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    return null;
  }
}
