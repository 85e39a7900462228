import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { deleteRole, getRole, updateRole } from "@/lib/roles";
import type { UpdateRoleInput } from "@/lib/roles/schemas";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getRole({ ctx: { actor }, input: { id: params.id } }),
);

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const changes = (await readJsonBody(req, 32 * 1024)) as UpdateRoleInput;
  return updateRole({ ctx: { actor }, input: { id: params.id, changes } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteRole({ ctx: { actor }, input: { id: params.id } }),
);
