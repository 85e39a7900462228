import { createCannedResponse, listCannedResponses } from "@/lib/canned-responses";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({
  data: await listCannedResponses({ ctx: { actor } }),
}));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 32 * 1024)) as Parameters<typeof createCannedResponse>[0]["input"];
  return Response.json(await createCannedResponse({ ctx: { actor }, input }), { status: 201 });
});
