import { route } from "@/lib/http/route";
import { redeliver } from "@/lib/integrations";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string; deliveryId: string }>(async (_req, { actor, params }) =>
  redeliver({ ctx: { actor }, input: { id: params.id, deliveryId: params.deliveryId } }),
);
