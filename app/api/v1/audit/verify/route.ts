import { verifyAudit } from "@/lib/audit";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";
// A long log takes a while to walk; the answer comes when it is done.
export const maxDuration = 300;

export const POST = route(async (_req, { actor }) => verifyAudit({ ctx: { actor } }));
