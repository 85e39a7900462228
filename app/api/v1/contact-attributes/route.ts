import { createAttribute, listAttributes } from "@/lib/contacts";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `?include_archived=true` adds archived definitions (the admin page). */
export const GET = route(async (req, { actor }) => ({
  data: await listAttributes({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
}));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as Parameters<typeof createAttribute>[0]["input"];
  return Response.json(await createAttribute({ ctx: { actor }, input }), { status: 201 });
});
