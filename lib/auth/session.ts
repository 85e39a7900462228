import { getToken } from "next-auth/jwt";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env.js";
import { loadActor } from "@/lib/users";
import type { Actor } from "./actor";

const COOKIE_NAMES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

/**
 * Resolves the actor from request headers (HTTP or the Socket.io handshake): decodes the session JWT,
 * then re-checks the user in the database so disabling or a session-version bump applies immediately.
 */
export async function actorFromHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): Promise<Actor | undefined> {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) return undefined;
  const normalized = headers instanceof Headers ? headers : toHeaders(headers);
  if (!normalized.get("cookie")) return undefined;
  for (const cookieName of COOKIE_NAMES) {
    const token = await getToken({
      req: { headers: normalized },
      secret,
      salt: cookieName,
      cookieName,
      secureCookie: cookieName.startsWith("__Secure-"),
    }).catch(() => null);
    if (token && typeof token.uid === "string") {
      return loadActor(getDb(), token.uid, Number(token.sv ?? 0));
    }
  }
  return undefined;
}

function toHeaders(record: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "string") headers.set(key, value);
    else if (Array.isArray(value)) headers.set(key, value.join(", "));
  }
  return headers;
}
