import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { getSignupSettings, setSignupSettings } from "@/lib/numbers";
import type { SignupSettings } from "@/lib/numbers/schemas";

export const dynamic = "force-dynamic";

/** Embedded Signup's app id and configuration id (both public in Meta's popup; no secret here). */
export const GET = route(async (_req, { actor }) => getSignupSettings({ ctx: { actor } }));

export const PUT = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 4 * 1024)) as SignupSettings;
  return setSignupSettings({ ctx: { actor }, input });
});
