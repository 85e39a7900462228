import { mergeContactsByHand } from "@/lib/contacts";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ "into": contactId }`: this contact is merged into the other (same WhatsApp Business account). */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 1024)) as { into: string };
  return mergeContactsByHand({ ctx: { actor }, input: { ...body, id: params.id } });
});
