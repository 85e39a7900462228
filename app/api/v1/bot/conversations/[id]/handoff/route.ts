import { botHandoff, type HandoffInput } from "@/lib/bots";
import { botRoute } from "@/lib/http/bot-route";
import { readJsonBody } from "@/lib/http/json-body";

export const dynamic = "force-dynamic";

/** The bot hands the conversation to humans with a summary and the fields it collected. */
export const POST = botRoute<{ id: string }>(async (req, { bot, params }) => {
  const body = (await readJsonBody(req, 32 * 1024)) as HandoffInput;
  return botHandoff({ bot, conversationId: params.id, ...body });
});
