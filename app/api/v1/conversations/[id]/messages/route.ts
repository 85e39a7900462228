import { listMessages } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (req, { actor, params }) => {
  const query = Object.fromEntries(req.nextUrl.searchParams);
  return listMessages({ ctx: { actor }, input: { ...query, conversationId: params.id } });
});
