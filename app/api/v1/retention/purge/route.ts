import { route } from "@/lib/http/route";
import { requestRetentionPurge } from "@/lib/retention";

export const dynamic = "force-dynamic";

/** Queues the retention purge now instead of at the next hourly run. */
export const POST = route(async (_req, { actor }) =>
  Response.json(await requestRetentionPurge({ ctx: { actor } }), { status: 202 }),
);
