import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { inviteUser, listUsers } from "@/lib/users";
import type { InviteUserInput } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listUsers({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);

// The one-time password is in this response only.
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as InviteUserInput;
  return Response.json(await inviteUser({ ctx: { actor }, input }), {
    status: 201,
    headers: { "cache-control": "no-store" },
  });
});
