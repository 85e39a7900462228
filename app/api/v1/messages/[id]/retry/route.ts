import { route } from "@/lib/http/route";
import { retrySend } from "@/lib/messaging";

export const dynamic = "force-dynamic";

/** Sends a failed message again (only when its error offers a retry); the same message goes back to queued. */
export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  retrySend({ ctx: { actor }, input: { messageId: params.id } }),
);
