import { countConversations } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => countConversations({ ctx: { actor } }));
