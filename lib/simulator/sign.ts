import { createHmac, randomBytes } from "node:crypto";

// Independent of lib/whatsapp/signature.ts on purpose: a bug there must not be mirrored here.

/**
 * Serialises like Meta: non-ASCII as lowercase \uXXXX (UTF-16 units, so emoji become surrogate
 * pairs) and "/" as "\/". Both are valid JSON, and both break apps that re-serialise before verifying.
 */
export function metaJson(value: unknown, opts: { escapeSlashes?: boolean } = {}): string {
  const json = JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
  return opts.escapeSlashes === false ? json : json.replace(/\//g, "\\/");
}

export function signBody(body: string | Buffer, appSecret: string): string {
  return "sha256=" + createHmac("sha256", appSecret).update(body).digest("hex");
}

/** wamid.<base64>, the shape Meta uses (the base64 wraps an opaque protobuf; ours is random). */
export function newWamid(): string {
  return "wamid." + randomBytes(30).toString("base64").replace(/=+$/, "");
}

export function newNumericId(digits = 16): string {
  let s = String(1 + Math.floor(Math.random() * 9));
  while (s.length < digits) s += String(Math.floor(Math.random() * 10));
  return s;
}

export function newBsuid(country = "US"): string {
  return `${country}.${newNumericId(20)}`;
}

export function fbtraceId(): string {
  return randomBytes(9).toString("base64").replace(/[+/=]/g, "x");
}

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
