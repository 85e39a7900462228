import { exportAudit } from "@/lib/audit";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor, requestId }) => {
  const { filename, body } = await exportAudit({
    ctx: { actor },
    input: Object.fromEntries(req.nextUrl.searchParams),
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-request-id": requestId,
    },
  });
});
