import { route } from "@/lib/http/route";
import { listRetention } from "@/lib/retention";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => listRetention({ ctx: { actor } }));
