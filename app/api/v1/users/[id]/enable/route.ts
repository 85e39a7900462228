import { route } from "@/lib/http/route";
import { enableUser } from "@/lib/users";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  enableUser({ ctx: { actor }, input: { id: params.id } }),
);
