import { estimateCampaign } from "@/lib/campaigns";
import type { EstimateCampaignInput } from "@/lib/campaigns/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A POST only because a contact list can be long: nothing is stored. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 512 * 1024)) as EstimateCampaignInput & {
    variables?: Record<string, string>;
  };
  return estimateCampaign({ ctx: { actor }, input });
});
