import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { setLegalHold } from "@/lib/retention";

export const dynamic = "force-dynamic";

/** `{ "hold": true | false }` */
export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 1024)) as { hold: boolean };
  return setLegalHold({ ctx: { actor }, input: { kind: "conversation", id: params.id, hold: body?.hold } });
});
