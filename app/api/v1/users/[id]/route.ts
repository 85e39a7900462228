import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { getUser, updateUser } from "@/lib/users";
import type { UpdateUserInput } from "@/lib/users/schemas";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getUser({ ctx: { actor }, input: { id: params.id } }),
);

// The verb's strict schema answers 422 naming any field it does not accept (role for agents is a 403 first).
export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const changes = (await readJsonBody(req, 16 * 1024)) as UpdateUserInput;
  return updateUser({ ctx: { actor }, input: { id: params.id, changes } });
});
