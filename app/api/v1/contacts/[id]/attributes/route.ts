import { setContactAttributes } from "@/lib/contacts";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ "attributes": { "plan": "Pro", "seats": null } }`: null clears, keys left out stay. */
export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 32 * 1024)) as Omit<
    Parameters<typeof setContactAttributes>[0]["input"],
    "id"
  >;
  return setContactAttributes({ ctx: { actor }, input: { ...body, id: params.id } });
});
