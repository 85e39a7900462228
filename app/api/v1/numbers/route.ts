import { route } from "@/lib/http/route";
import { listNumbersForAdmin } from "@/lib/numbers";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => listNumbersForAdmin({ ctx: { actor } }));
