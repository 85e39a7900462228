import crypto from "node:crypto";

// tdm_<12 hex prefix>_<48 hex secret>: the prefix is unique and looked up; the secret is 192 random bits.
const KEY = /^tdm_([0-9a-f]{12})_([0-9a-f]{48})$/;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = crypto.randomBytes(6).toString("hex");
  const secret = crypto.randomBytes(24).toString("hex");
  const key = `tdm_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function parseApiKey(value: string): { prefix: string } | undefined {
  const match = KEY.exec(value);
  return match ? { prefix: match[1]! } : undefined;
}

/** SHA-256 is enough for a 192-bit random secret (no dictionary to guess from); argon2 would cost every request. */
export function hashApiKey(key: string): string {
  return crypto.createHash("sha256").update(key).digest("hex");
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
