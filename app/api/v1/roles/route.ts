import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { createRole, listRoles } from "@/lib/roles";
import type { CreateRoleInput } from "@/lib/roles/schemas";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listRoles({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 32 * 1024)) as CreateRoleInput;
  return Response.json(await createRole({ ctx: { actor }, input }), { status: 201 });
});
