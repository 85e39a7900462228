import { route } from "@/lib/http/route";
import { resumeNumberSending } from "@/lib/messaging";

export const dynamic = "force-dynamic";

/** An admin fixed the number's token: release the messages held while sending was paused. */
export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  resumeNumberSending({ ctx: { actor }, input: { numberId: params.id } }),
);
