import { revokeApiKey } from "@/lib/api-keys";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  revokeApiKey({ ctx: { actor }, input: { id: params.id } }),
);
