import { getCampaignEstimate } from "@/lib/campaigns";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getCampaignEstimate({ ctx: { actor }, input: { id: params.id } }),
);
