import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { deleteTeam, getTeam, renameTeam } from "@/lib/teams";
import type { UpdateTeamInput } from "@/lib/teams/schemas";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getTeam({ ctx: { actor }, input: { id: params.id } }),
);

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const changes = (await readJsonBody(req, 16 * 1024)) as UpdateTeamInput;
  return renameTeam({ ctx: { actor }, input: { id: params.id, changes } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteTeam({ ctx: { actor }, input: { id: params.id } }),
);
