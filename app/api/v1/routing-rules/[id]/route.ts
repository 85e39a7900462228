import { deleteRoutingRule, updateRoutingRule, type RoutingRuleInput } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as RoutingRuleInput;
  return updateRoutingRule({ ctx: { actor }, input: { ...input, id: params.id } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteRoutingRule({ ctx: { actor }, input: { id: params.id } }),
);
