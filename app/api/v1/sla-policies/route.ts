import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { listSlaPolicies, saveSlaPolicy } from "@/lib/sla";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listSlaPolicies({ ctx: { actor } }) }));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as Parameters<typeof saveSlaPolicy>[0]["input"];
  return Response.json(await saveSlaPolicy({ ctx: { actor }, input: { ...input, id: undefined } }), {
    status: 201,
  });
});
