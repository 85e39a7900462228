import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { getTeamRouting, setTeamRouting } from "@/lib/routing";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getTeamRouting({ ctx: { actor }, input: { teamId: params.id } }),
);

/** `{ "policy": "manual" | "round_robin" | "least_loaded" }` */
export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 1024)) as { policy: "manual" };
  return setTeamRouting({ ctx: { actor }, input: { ...body, teamId: params.id } });
});
