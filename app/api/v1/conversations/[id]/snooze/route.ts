import { snoozeConversation } from "@/lib/conversations";
import type { SnoozeInput } from "@/lib/conversations/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** `{ "until": ISO time }`, or `{ "until": null }` to wait for the customer's next message. */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 4 * 1024)) as SnoozeInput;
  return snoozeConversation({ ctx: { actor }, input: { ...body, conversationId: params.id } });
});
