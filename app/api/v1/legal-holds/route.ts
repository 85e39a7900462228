import { route } from "@/lib/http/route";
import { listLegalHolds } from "@/lib/retention";

export const dynamic = "force-dynamic";

/** What is under legal hold, or (`?q=`) contacts to put on hold, each with their conversations. */
export const GET = route(async (req, { actor }) =>
  listLegalHolds({ ctx: { actor }, input: { q: req.nextUrl.searchParams.get("q") ?? undefined } }),
);
