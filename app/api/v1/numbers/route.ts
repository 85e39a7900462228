import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { connectNumber, listNumbersForAdmin } from "@/lib/numbers";
import type { ConnectNumberInput } from "@/lib/numbers/schemas";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => listNumbersForAdmin({ ctx: { actor } }));

/** Connect a number by hand (ids and a token); the token is sealed and never comes back. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as ConnectNumberInput;
  return Response.json(await connectNumber({ ctx: { actor }, input }), { status: 201 });
});
