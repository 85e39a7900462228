import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { setMemberCapacity } from "@/lib/routing";

export const dynamic = "force-dynamic";

/** `{ "capacity": n }`: the most open conversations of this team the member gets automatically. */
export const PATCH = route<{ id: string; userId: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 1024)) as { capacity: number };
  return setMemberCapacity({ ctx: { actor }, input: { ...body, teamId: params.id, userId: params.userId } });
});
