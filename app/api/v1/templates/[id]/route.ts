import { route } from "@/lib/http/route";
import { getTemplate } from "@/lib/templates";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) => {
  return getTemplate({ ctx: { actor }, input: { id: params.id } });
});
