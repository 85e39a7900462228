import { listConversations } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) => {
  const params = Object.fromEntries(req.nextUrl.searchParams);
  return listConversations({ ctx: { actor }, input: params });
});
