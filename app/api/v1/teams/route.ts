import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { createTeam, listTeams } from "@/lib/teams";
import type { CreateTeamInput } from "@/lib/teams/schemas";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listTeams({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as CreateTeamInput;
  return Response.json(await createTeam({ ctx: { actor }, input }), { status: 201 });
});
