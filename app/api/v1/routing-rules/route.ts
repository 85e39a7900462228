import { createRoutingRule, listRoutingRules, type RoutingRuleInput } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listRoutingRules({ ctx: { actor } }) }));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as RoutingRuleInput;
  return Response.json(await createRoutingRule({ ctx: { actor }, input }), { status: 201 });
});
