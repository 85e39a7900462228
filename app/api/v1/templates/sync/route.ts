import { route } from "@/lib/http/route";
import { syncTemplates } from "@/lib/templates";

export const dynamic = "force-dynamic";

// Without ?waba_id= every WABA that has a connected number is synced.
export const POST = route(async (req, { actor }) => {
  const wabaId = req.nextUrl.searchParams.get("waba_id") || undefined;
  return syncTemplates({ ctx: { actor }, input: { wabaId } });
});
