import { reorderRoutingRules } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ "ids": [...] }`: every rule's id, first-tried first. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 64 * 1024)) as { ids: string[] };
  return { data: await reorderRoutingRules({ ctx: { actor }, input }) };
});
