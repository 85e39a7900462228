import { listCampaignAudiences } from "@/lib/campaigns";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listCampaignAudiences({
    ctx: { actor },
    input: { numberId: req.nextUrl.searchParams.get("number_id") ?? "" },
  }),
);
