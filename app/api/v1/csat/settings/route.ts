import { getCsatSettings, setCsatSettings } from "@/lib/csat";
import type { CsatSettingsInput } from "@/lib/csat/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The CSAT survey's switch, question, button labels and out-of-window template, with the approved choices. */
export const GET = route(async (_req, { actor }) => getCsatSettings({ ctx: { actor } }));

export const PUT = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 8 * 1024)) as CsatSettingsInput;
  return setCsatSettings({ ctx: { actor }, input });
});
