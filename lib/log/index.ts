// One structured logger for server-side code (pino, JSON lines on stdout): ship them as they are to any
// log store. Human start-up output (the banner, demo logins) stays plain text on purpose.
import crypto from "node:crypto";
import pino from "pino";

export const log = pino({
  base: { pid: process.pid },
  // Never write a credential even if a caller passes a whole header object.
  redact: ["headers.authorization", "headers.cookie", "*.authorization", "*.cookie"],
});

export type Logger = typeof log;

// What a client may put in x-request-id: short and log-safe (no newlines, no quotes).
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The incoming x-request-id when it is log-safe, else a fresh one (so one id follows a request through). */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : crypto.randomUUID();
}
