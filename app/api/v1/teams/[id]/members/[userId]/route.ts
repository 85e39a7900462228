import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { removeTeamMember, updateTeamMember } from "@/lib/teams";
import type { UpdateMemberInput } from "@/lib/teams/schemas";

export const dynamic = "force-dynamic";

type Params = { id: string; userId: string };

export const PATCH = route<Params>(async (req, { actor, params }) => {
  const changes = (await readJsonBody(req, 16 * 1024)) as UpdateMemberInput;
  return updateTeamMember({ ctx: { actor }, input: { teamId: params.id, userId: params.userId, changes } });
});

export const DELETE = route<Params>(async (_req, { actor, params }) =>
  removeTeamMember({ ctx: { actor }, input: { teamId: params.id, userId: params.userId } }),
);
