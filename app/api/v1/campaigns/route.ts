import { createCampaign, listCampaigns } from "@/lib/campaigns";
import type { CreateCampaignInput } from "@/lib/campaigns/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listCampaigns({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);

export const POST = route(async (req, { actor }) => {
  // The verb validates the shape and answers 422 naming the field.
  const input = (await readJsonBody(req, 512 * 1024)) as CreateCampaignInput;
  return Response.json(await createCampaign({ ctx: { actor }, input }), { status: 201 });
});
