import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { setNumberRetention } from "@/lib/retention";

export const dynamic = "force-dynamic";

/** `{ "days": n | null }`: purge messages older than n days (null keeps everything). */
export const PUT = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 1024)) as { days: number | null };
  return setNumberRetention({ ctx: { actor }, input: { ...body, numberId: params.id } });
});
