import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { createLabel, listLabels } from "@/lib/labels";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listLabels({ ctx: { actor } }) }));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 8 * 1024)) as Parameters<typeof createLabel>[0]["input"];
  return Response.json(await createLabel({ ctx: { actor }, input }), { status: 201 });
});
