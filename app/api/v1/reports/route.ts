import { route } from "@/lib/http/route";
import { getReport, type ReportInput } from "@/lib/reports";

export const dynamic = "force-dynamic";

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=agent|team|number|label|day[&team=&number=&business_hours=]` */
export const GET = route(async (req, { actor }) =>
  getReport({ ctx: { actor }, input: Object.fromEntries(req.nextUrl.searchParams) as ReportInput }),
);
