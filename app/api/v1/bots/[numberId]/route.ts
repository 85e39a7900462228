import { upsertBot } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const PUT = route<{ numberId: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 16 * 1024)) as Omit<
    Parameters<typeof upsertBot>[0]["input"],
    "numberId"
  >;
  return upsertBot({ ctx: { actor }, input: { ...body, numberId: params.numberId } });
});
