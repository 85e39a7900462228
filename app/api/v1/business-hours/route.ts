import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { listBusinessHours, saveBusinessHours } from "@/lib/sla";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listBusinessHours({ ctx: { actor } }) }));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 64 * 1024)) as Parameters<typeof saveBusinessHours>[0]["input"];
  return Response.json(await saveBusinessHours({ ctx: { actor }, input: { ...input, id: undefined } }), {
    status: 201,
  });
});
