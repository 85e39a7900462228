import { getMe } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => getMe({ ctx: { actor } }));
