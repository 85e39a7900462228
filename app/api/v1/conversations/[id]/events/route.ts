import { listTimeline } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (req, { actor, params }) =>
  listTimeline({
    ctx: { actor },
    input: {
      conversationId: params.id,
      cursor: req.nextUrl.searchParams.get("cursor") ?? undefined,
      limit: req.nextUrl.searchParams.get("limit") ?? undefined,
    },
  }),
);
