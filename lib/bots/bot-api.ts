import { sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError, UnauthenticatedError } from "@/lib/errors";
import { outboundMessageInput } from "@/lib/messaging/schemas";
import { botFromAuthorization } from "./external";
import { handoffConversation, type HandoffInput } from "./handoff";
import type { BotRow } from "./manage";
import { sendAsBot } from "./step";
import { isUuid } from "@/lib/utils/ids";

/** The bot calling the bot API, from its token; 401 otherwise. */
export async function authenticateBot(ctx: Pick<Ctx, "db">, authorization: string | null): Promise<BotRow> {
  const bot = await botFromAuthorization(dbOf({ actor: systemActor("bot"), ...ctx }), authorization);
  if (!bot) throw new UnauthenticatedError("A valid bot token is required (Authorization: Bearer tbot_…)");
  return bot;
}

/**
 * A bot may act only on conversations of its own number that are still with it: another number's
 * conversation looks missing, and one a person has taken over answers 409 (its reply is dropped).
 */
async function ownConversation(bot: BotRow, conversationId: string) {
  if (!isUuid(conversationId)) throw new NotFoundError("Conversation");
  const [row] = await dbOf({ actor: systemActor("bot") }).execute<{ status: string }>(sql`
    select status from conversations where id = ${conversationId} and phone_number_id = ${bot.phone_number_id}`);
  if (!row) throw new NotFoundError("Conversation");
  if (row.status !== "bot")
    throw new ConflictError("A person has taken over this conversation; the bot's reply was dropped");
}

export async function botSend(input: {
  bot: BotRow;
  conversationId: string;
  idempotencyKey: string | null;
  message: unknown;
}) {
  await ownConversation(input.bot, input.conversationId);
  const message = outboundMessageInput.parse(input.message);
  const key = input.idempotencyKey ?? `bot-api:${input.conversationId}:${crypto.randomUUID()}`;
  const sent = await sendAsBot(input.conversationId, message, `bot:${input.bot.id}:${key}`);
  // The bot answered: it no longer owes a reply (no timeout handoff).
  await dbOf({ actor: systemActor("bot") }).execute(sql`
    update bot_sessions set awaiting_reply_since = null, last_activity_at = now()
    where conversation_id = ${input.conversationId} and ended_at is null`);
  if (!sent)
    throw new ConflictError("The 24-hour window is closed: the bot cannot write freely; hand off instead");
  return sent;
}

export async function botHandoff(input: { bot: BotRow; conversationId: string } & HandoffInput) {
  const { bot, ...rest } = input;
  await ownConversation(bot, rest.conversationId);
  return handoffConversation({
    ctx: { actor: systemActor(`bot:${bot.id}`) },
    input: { reason: "bot", ...rest },
  });
}
