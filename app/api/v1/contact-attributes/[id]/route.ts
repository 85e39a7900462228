import { archiveAttribute, updateAttribute } from "@/lib/contacts";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 16 * 1024)) as Omit<
    Parameters<typeof updateAttribute>[0]["input"],
    "id"
  >;
  return updateAttribute({ ctx: { actor }, input: { ...body, id: params.id } });
});

/** Archives: the values stay on the contacts; PATCH `{ "archived": false }` restores. */
export const DELETE = route<{ id: string }>(async (_req, { actor, params }) =>
  archiveAttribute({ ctx: { actor }, input: { id: params.id } }),
);
