import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { markNotificationsRead } from "@/lib/notifications";

export const dynamic = "force-dynamic";

/** `{ "ids": [..] }` or `{ "all": true }`. */
export const POST = route(async (req, { actor }) => {
  const input = (await readJsonBody(req, 16 * 1024)) as Parameters<typeof markNotificationsRead>[0]["input"];
  return markNotificationsRead({ ctx: { actor }, input });
});
