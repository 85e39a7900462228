import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { deleteLabel, updateLabel } from "@/lib/labels";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 8 * 1024)) as Omit<Parameters<typeof updateLabel>[0]["input"], "id">;
  return updateLabel({ ctx: { actor }, input: { ...body, id: params.id } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteLabel({ ctx: { actor }, input: { id: params.id } }),
);
