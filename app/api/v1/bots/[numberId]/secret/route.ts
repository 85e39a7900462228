import { generateBotSecret } from "@/lib/bots";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A new signing secret for events to the external bot, shown once. */
export const POST = route<{ numberId: string }>(async (_req, { actor, params }) =>
  generateBotSecret({ ctx: { actor }, input: { numberId: params.numberId } }),
);
