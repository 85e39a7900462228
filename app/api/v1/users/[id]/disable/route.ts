import { route } from "@/lib/http/route";
import { disableUser } from "@/lib/users";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  disableUser({ ctx: { actor }, input: { id: params.id } }),
);
