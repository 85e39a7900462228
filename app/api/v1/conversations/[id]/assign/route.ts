import { assignConversation } from "@/lib/conversations";
import type { AssignInput } from "@/lib/conversations/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Assign to a person (`assignee_id`, null to unassign) and/or move to a team (`team_id`). */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 16 * 1024)) as AssignInput;
  return assignConversation({ ctx: { actor }, input: { ...body, conversationId: params.id } });
});
