import { signOutEverywhere } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route(async (_req, { actor }) => signOutEverywhere({ ctx: { actor } }));
