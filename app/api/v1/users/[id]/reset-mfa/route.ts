import { route } from "@/lib/http/route";
import { resetMfa } from "@/lib/users";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>(async (_req, { actor, params }) =>
  resetMfa({ ctx: { actor }, input: { id: params.id } }),
);
