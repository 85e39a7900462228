import { getContact } from "@/lib/contacts";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getContact({ ctx: { actor }, input: { id: params.id } }),
);
