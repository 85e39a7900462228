import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { open } from "@/lib/auth/secret-box";
import type { DbOrTx } from "@/lib/db/client";
import type { BotRow } from "./manage";
import { sha256 } from "./manage";

// How long one delivery to an external bot may take, and how often it is tried before we hand off.
const DELIVERY_TIMEOUT_MS = 10_000;
const DELIVERY_ATTEMPTS = 3;

/** The bot behind `Authorization: Bearer tbot_<prefix>_<secret>`, or null (unknown, replaced, or inactive). */
export async function botFromAuthorization(db: DbOrTx, header: string | null): Promise<BotRow | null> {
  const match = /^Bearer\s+tbot_([0-9a-f]{12})_([A-Za-z0-9_-]{20,64})$/.exec(header ?? "");
  if (!match) return null;
  const [, prefix, secret] = match;
  const [bot] = await db.execute<BotRow>(sql`select * from bots where token_prefix = ${prefix!}`);
  if (!bot?.token_hash || !bot.active) return null;
  const given = Buffer.from(sha256(secret!), "hex");
  const stored = Buffer.from(bot.token_hash, "hex");
  return given.length === stored.length && crypto.timingSafeEqual(given, stored) ? bot : null;
}

export type BotEvent = {
  type: "message";
  bot_id: string;
  conversation: { id: string; number_id: string };
  contact: {
    id: string;
    name: string | null;
    phone: string | null;
    username: string | null;
    bsuid: string | null;
  };
  message: { id: string; type: string; text: string | null; reply_id: string | null; timestamp: string };
  session: { fields: Record<string, string>; started_at: string };
};

/**
 * POSTs one event to the external bot, signed like Meta signs ours: `X-Tandem-Signature: sha256=<hex HMAC of
 * timestamp + "." + body>` with `X-Tandem-Timestamp`, so the bot can reject replays. Retries with a short
 * backoff; false when every attempt failed (the caller hands off).
 */
export async function deliverToExternalBot(bot: BotRow, event: BotEvent): Promise<boolean> {
  const secret = bot.external_secret ? open(bot.external_secret, "bot-secret") : null;
  if (!bot.external_url || !secret) return false;
  const body = JSON.stringify(event);
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
    try {
      const response = await fetch(bot.external_url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-tandem-timestamp": timestamp,
          "x-tandem-signature": `sha256=${signature}`,
        },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        redirect: "error",
      });
      if (response.ok) return true;
      // A 4xx other than 429 will not get better by retrying.
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      // network error or timeout: try again
    }
    if (attempt < DELIVERY_ATTEMPTS)
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (attempt - 1)));
  }
  return false;
}

/** Verifies a signature made by deliverToExternalBot (for bots written in TypeScript, and our tests). */
export function verifyBotSignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = `sha256=${crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
  return (
    expected.length === header.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(header))
  );
}
