import { route } from "@/lib/http/route";
import { getReport, reportCsv, type ReportInput } from "@/lib/reports";

export const dynamic = "force-dynamic";

/** The same report as CSV, one row per group. */
export const GET = route(async (req, { actor }) => {
  const input = Object.fromEntries(req.nextUrl.searchParams) as ReportInput;
  const report = await getReport({ ctx: { actor }, input });
  return new Response(reportCsv(report), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="tandem-report-${report.group_by}-${report.from}-${report.to}.csv"`,
    },
  });
});
