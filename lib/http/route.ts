import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import { ZodError } from "zod";
import type { Actor } from "@/lib/auth/actor";
import { actorFromHeaders } from "@/lib/auth/session";
import { AppError, ForbiddenError, UnauthenticatedError } from "@/lib/errors";

type Handler<P> = (req: NextRequest, ctx: { actor: Actor; params: P; requestId: string }) => Promise<unknown>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The one wrapper for REST route handlers: request id → actor → CSRF origin check on state changes →
 * handler → JSON; AppError and ZodError map to their status, anything else to a logged 500.
 */
export function route<P = Record<string, never>>(handler: Handler<P>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = req.headers.get("x-request-id") ?? crypto.randomUUID();
    try {
      const actor = await actorFromHeaders(req.headers);
      if (!actor) throw new UnauthenticatedError();
      if (!SAFE_METHODS.has(req.method) && !isSameOrigin(req)) {
        throw new ForbiddenError("Cross-site request refused");
      }
      const result = await handler(req, { actor, params: await context.params, requestId });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true }, { headers: { "x-request-id": requestId } });
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
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
    const field = issue?.path.join(".") || "body";
    return Response.json(
      { error: { code: "validation_failed", message: `${field} ${issue?.message ?? "is invalid"}`, field } },
      { status: 422, headers },
    );
  }
  console.error(`[http] ${requestId} unexpected error`, error);
  return Response.json(
    { error: { code: "internal", message: "Something went wrong" } },
    { status: 500, headers },
  );
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
