import crypto from "node:crypto";
import type { NextRequest } from "next/server";
import { authenticateBot, type BotRow } from "@/lib/bots";
import { errorResponse } from "./route";

type Handler<P> = (req: NextRequest, ctx: { bot: BotRow; params: P; requestId: string }) => Promise<unknown>;

/**
 * The wrapper for the bot API (/api/v1/bot/…): authenticated by the bot's token, not a browser session, so
 * no cookie and no CSRF check; a bot may act only through the bot verbs (its own number, while it has the
 * conversation).
 */
export function botRoute<P>(handler: Handler<P>) {
  return async (req: NextRequest, context: { params: Promise<P> }): Promise<Response> => {
    const requestId = req.headers.get("x-request-id") ?? crypto.randomUUID();
    try {
      const bot = await authenticateBot({}, req.headers.get("authorization"));
      const result = await handler(req, { bot, params: await context.params, requestId });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true }, { headers: { "x-request-id": requestId } });
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}
