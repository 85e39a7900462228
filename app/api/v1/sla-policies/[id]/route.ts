import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { deleteSlaPolicy, saveSlaPolicy } from "@/lib/sla";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as Parameters<typeof saveSlaPolicy>[0]["input"];
  return saveSlaPolicy({ ctx: { actor }, input: { ...input, id: params.id } });
});

export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  deleteSlaPolicy({ ctx: { actor }, input: { id: params.id } }),
);
