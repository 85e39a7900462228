import { getContactConsent, recordConsent } from "@/lib/consent";
import type { RecordConsentInput } from "@/lib/consent/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getContactConsent({ ctx: { actor }, input: { contactId: params.id } }),
);

export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 16 * 1024)) as Omit<RecordConsentInput, "contactId">;
  return Response.json(await recordConsent({ ctx: { actor }, input: { ...body, contactId: params.id } }), {
    status: 201,
  });
});
