import { getLatestFlow, publishFlow } from "@/lib/bots";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ numberId: string }>(async (_req, { actor, params }) =>
  getLatestFlow({ ctx: { actor }, input: { numberId: params.numberId } }),
);

/** `{ "definition": FlowDefinition }` → a new immutable version. */
export const POST = route<{ numberId: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 512 * 1024)) as { definition?: unknown };
  const version = await publishFlow({
    ctx: { actor },
    input: { numberId: params.numberId, definition: body?.definition },
  });
  return Response.json(version, { status: 201 });
});
