import { pauseCampaign } from "@/lib/campaigns";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  pauseCampaign({ ctx: { actor }, input: { id: params.id } }),
);
