import { addConversationNote } from "@/lib/conversations";
import type { NoteInput } from "@/lib/conversations/schemas";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A private note (`body`, `mentions`: user ids to notify); it appears on the timeline (GET …/events). */
export const POST = route<{ id: string }>(async (req, { actor, params }) => {
  const body = (await readJsonBody(req, 32 * 1024)) as NoteInput;
  const note = await addConversationNote({ ctx: { actor }, input: { ...body, conversationId: params.id } });
  return Response.json(note, { status: 201 });
});
