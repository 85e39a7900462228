import { reassignAll } from "@/lib/board";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ from_user_id, to_user_id | null }`: move all of an agent's open conversations. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 4 * 1024)) as Parameters<typeof reassignAll>[0]["input"];
  return reassignAll({ ctx: { actor }, input });
});
