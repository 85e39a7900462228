import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { addTeamMember } from "@/lib/teams";
import type { AddMemberInput } from "@/lib/teams/schemas";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const member = (await readJsonBody(req, 16 * 1024)) as AddMemberInput;
  return Response.json(await addTeamMember({ ctx: { actor }, input: { teamId: params.id, member } }), {
    status: 201,
  });
});
