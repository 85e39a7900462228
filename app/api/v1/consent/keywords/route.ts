import { listConsentKeywords, setConsentKeyword } from "@/lib/consent";
import type { ConsentKeywordInput } from "@/lib/consent/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => listConsentKeywords({ ctx: { actor } }));

export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 4 * 1024)) as ConsentKeywordInput;
  return setConsentKeyword({ ctx: { actor }, input });
});
