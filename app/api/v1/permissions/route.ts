import { route } from "@/lib/http/route";
import { listPermissions } from "@/lib/roles";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => listPermissions({ ctx: { actor } }));
