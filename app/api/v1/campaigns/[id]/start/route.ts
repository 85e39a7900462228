import { startCampaign } from "@/lib/campaigns";
import { startCampaignInput } from "@/lib/campaigns/schemas";
import { PayloadTooLargeError, ValidationError } from "@/lib/errors";
import { readBodyCapped } from "@/lib/http/read-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const LIMIT = 4 * 1024;

/** The body is optional: `{ "scheduled_at": "<ISO>" }` schedules instead of starting now. */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const raw = await readBodyCapped(req.body, LIMIT);
  if (raw === null) throw new PayloadTooLargeError(LIMIT);
  let body: unknown = {};
  try {
    if (raw.length > 0) body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ValidationError("body is not valid JSON", { field: "body" });
  }
  const { scheduled_at } = startCampaignInput.parse(body);
  return startCampaign({ ctx: { actor }, input: { id: params.id, scheduled_at } });
});
