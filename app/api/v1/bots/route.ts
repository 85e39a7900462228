import { listBots } from "@/lib/bots";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => ({ data: await listBots({ ctx: { actor } }) }));
