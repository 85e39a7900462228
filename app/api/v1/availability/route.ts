import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { getMyAvailability, setMyAvailability } from "@/lib/routing";

export const dynamic = "force-dynamic";

export const GET = route(async (_req, { actor }) => getMyAvailability({ ctx: { actor } }));

/** `{ "availability": "online" | "away" | "busy" | "offline" }`; going online pulls waiting work at once. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 1024)) as { availability: "online" };
  return setMyAvailability({ ctx: { actor }, input });
});
