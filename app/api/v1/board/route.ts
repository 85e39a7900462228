import { getBoard } from "@/lib/board";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => getBoard({ ctx: { actor } }));
