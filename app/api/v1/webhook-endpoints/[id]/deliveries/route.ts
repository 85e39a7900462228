import { route } from "@/lib/http/route";
import { listDeliveries } from "@/lib/integrations";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (req, { actor, params }) =>
  listDeliveries({
    ctx: { actor },
    input: {
      id: params.id,
      cursor: req.nextUrl.searchParams.get("cursor") ?? undefined,
      status: req.nextUrl.searchParams.get("status") ?? undefined,
    },
  }),
);
