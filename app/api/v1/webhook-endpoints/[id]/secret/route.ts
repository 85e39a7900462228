import { route } from "@/lib/http/route";
import { rotateEndpointSecret } from "@/lib/integrations";

export const dynamic = "force-dynamic";

/** Rotates the signing secret: `{ id, secret }`, the new secret shown this once. */
export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  rotateEndpointSecret({ ctx: { actor }, input: { id: params.id } }),
);
