import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { getNumberForAdmin, updateNumber } from "@/lib/numbers";
import type { UpdateNumberInput } from "@/lib/numbers/schemas";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params }) =>
  getNumberForAdmin({ ctx: { actor }, input: { id: params.id } }),
);

/** Throughput, default team, display name or a new token (write-only). */
export const PATCH = route<{ id: string }>(async (req, { actor, params }) => {
  const changes = (await readJsonBody(req, 16 * 1024)) as UpdateNumberInput;
  return updateNumber({ ctx: { actor }, input: { id: params.id, changes } });
});
