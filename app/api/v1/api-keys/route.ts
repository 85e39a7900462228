import { createApiKey, listApiKeys } from "@/lib/api-keys";
import type { CreateApiKeyInput } from "@/lib/api-keys/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listApiKeys({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);

// The key itself is in this response only.
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as CreateApiKeyInput;
  return Response.json(await createApiKey({ ctx: { actor }, input }), {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});
