import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { connectWithEmbeddedSignup } from "@/lib/numbers";
import type { EmbeddedSignupInput } from "@/lib/numbers/schemas";

export const dynamic = "force-dynamic";

/** Finishes Embedded Signup: the server exchanges Meta's code for the token and connects the number. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 8 * 1024)) as EmbeddedSignupInput;
  return Response.json(await connectWithEmbeddedSignup({ ctx: { actor }, input }), { status: 201 });
});
