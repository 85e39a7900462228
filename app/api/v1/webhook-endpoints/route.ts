import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { createEndpoint, listEndpoints } from "@/lib/integrations";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listEndpoints({ ctx: { actor } }) }));

/** `{ name, url, events[] }` → `{ id, secret }`; the secret is shown this once. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as Parameters<typeof createEndpoint>[0]["input"];
  return Response.json(await createEndpoint({ ctx: { actor }, input }), { status: 201 });
});
