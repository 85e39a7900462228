import { listAudit } from "@/lib/audit";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) =>
  listAudit({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) }),
);
