import { route } from "@/lib/http/route";
import { listNotifications } from "@/lib/notifications";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listNotifications({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);
