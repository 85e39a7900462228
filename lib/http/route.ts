import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import { ZodError } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { actorFromApiKey } from "@/lib/api-keys";
import { actorFromHeaders } from "@/lib/auth/session";
import { AppError, ForbiddenError, UnauthenticatedError } from "@/lib/errors";
import { isDatabaseConnectionError } from "@/lib/runtime/db-errors";

type Handler<P> = (req: NextRequest, ctx: { actor: Actor; params: P; requestId: string }) => Promise<unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one wrapper for REST route handlers: request id → actor (API key, else session cookie) → CSRF
 * origin check on cookie-authenticated state changes →
 * handler → JSON with a Server-Timing header; AppError and ZodError map to their status, a lost database
 * connection to 503, anything else to a logged 500.
 */
export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = req.headers.get("x-request-id") ?? crypto.randomUUID();
    const timing = new ServerTiming();
    try {
      const bearer = bearerToken(req);
      // An API key authenticates on its own (no cookie consulted); a bad one is a 401 naming why.
      const actor = await timing.measure("auth", () =>
        bearer !== undefined ? actorFromApiKey(bearer) : actorFromHeaders(req.headers),
      );
      if (!actor) throw new UnauthenticatedError();
      timing.authenticated = true;
      // CSRF rides on ambient cookies; a bearer key is never sent by a browser on its own.
      if (bearer === undefined && !SAFE_METHODS.has(req.method) && !isSameOrigin(req)) {
        throw new ForbiddenError("Cross-site request refused");
      }
      const params = await context.params;
      const result = await timing.measure("handler", () => handler(req, { actor, params, requestId }));
      if (result instanceof Response) return timing.addTo(result);
      return timing.addTo(Response.json(result ?? { ok: true }, { headers: { "x-request-id": requestId } }));
    } catch (error) {
      return timing.addTo(errorResponse(error, requestId));
    }
  };
}

/**
 * The request's time by phase as a Server-Timing header (`auth;dur=…, handler;dur=…, total;dur=…`, in ms),
 * which browser dev tools and Resource Timing show beside the network time (BENCHMARKS.md T4). Only once
 * the caller is authenticated: an anonymous caller gets no precise timing of the credential checks.
 */
export class ServerTiming {
  readonly #started = performance.now();
  readonly #phases: [string, number][] = [];
  authenticated = false;

  async measure<T>(name: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.#phases.push([name, performance.now() - started]);
    }
  }

  addTo(response: Response): Response {
    if (!this.authenticated) return response;
    const phases = [...this.#phases, ["total", performance.now() - this.#started] as const];
    try {
      response.headers.set("server-timing", phases.map(([n, ms]) => `${n};dur=${ms.toFixed(1)}`).join(", "));
    } catch {
      // Immutable headers (a handler passing on a fetched or redirect Response): sent without the timing.
    }
    return response;
  }
}

export function errorResponse(error: unknown, requestId: string): Response {
  const headers = { "x-request-id": requestId };
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...error.details } },
      { status: error.status, headers },
    );
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    // A field the API does not accept (mass assignment) is named, not reported as "body".
    const unknownKey = issue?.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    const path = issue?.path.join(".") ?? "";
    const field = unknownKey ? [path, unknownKey].filter(Boolean).join(".") : path || "body";
    const message = unknownKey
      ? `${field} is not a field you can set here`
      : `${field} ${issue?.message ?? "is invalid"}`;
    return Response.json({ error: { code: "validation_failed", message, field } }, { status: 422, headers });
  }
  // Postgres restarting or failing over: the request can be repeated (sends carry their Idempotency-Key).
  if (isDatabaseConnectionError(error)) {
    console.warn(`[http] ${requestId} database unavailable: ${(error as Error).message}`);
    return Response.json(
      {
        error: { code: "unavailable", message: "The database is briefly unavailable; try again in a moment" },
      },
      { status: 503, headers: { ...headers, "retry-after": "2" } },
    );
  }
  console.error(`[http] ${requestId} unexpected error`, error);
  return Response.json(
    { error: { code: "internal", message: "Something went wrong" } },
    { status: 500, headers },
  );
}

/** The key from `Authorization: Bearer <key>`; undefined when the header is absent (cookie session). */
function bearerToken(req: NextRequest): string | undefined {
  const header = req.headers.get("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // Any Authorization header is a claim to authenticate with it: a malformed one is refused, not ignored.
  return match?.[1] ?? "";
}

/** Origin / Sec-Fetch-Site check (ASVS 3.5): browsers always send one of them on cross-site POSTs. */
function isSameOrigin(req: NextRequest): boolean {
  const site = req.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = req.headers.get("origin");
  if (!origin) return true; // non-browser clients (curl, API keys) send neither
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
