import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { deleteEndpoint, updateEndpoint } from "@/lib/integrations";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 16 * 1024)) as Omit<
    Parameters<typeof updateEndpoint>[0]["input"],
    "id"
  >;
  return updateEndpoint({ ctx: { actor }, input: { ...body, id: params.id } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteEndpoint({ ctx: { actor }, input: { id: params.id } }),
);
