import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { saveBusinessHours } from "@/lib/sla";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const input = (await readJsonBody(req, 64 * 1024)) as Parameters<typeof saveBusinessHours>[0]["input"];
  return saveBusinessHours({ ctx: { actor }, input: { ...input, id: params.id } });
});
