import { generateBotToken } from "@/lib/bots";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A new bot token, shown once (the previous one stops working). */
export const POST = route<{ numberId: string }>(async (_req, { actor, params }) =>
  generateBotToken({ ctx: { actor }, input: { numberId: params.numberId } }),
);
