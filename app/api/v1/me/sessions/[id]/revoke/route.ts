import { revokeMySession } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  revokeMySession({ ctx: { actor }, input: { id: params.id } }),
);
