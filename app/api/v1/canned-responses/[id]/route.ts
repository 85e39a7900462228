import { deleteCannedResponse, updateCannedResponse } from "@/lib/canned-responses";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 32 * 1024)) as Omit<
    Parameters<typeof updateCannedResponse>[0]["input"],
    "id"
  >;
  return updateCannedResponse({ ctx: { actor }, input: { ...body, id: params.id } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteCannedResponse({ ctx: { actor }, input: { id: params.id } }),
);
