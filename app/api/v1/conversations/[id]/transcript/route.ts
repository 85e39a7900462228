import { exportTranscript } from "@/lib/conversations";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The conversation as a plain-text transcript (messages and private notes in order); audited. */
export const GET = route<{ id: string }>(async (_req, { actor, params }) => {
  const transcript = await exportTranscript({ ctx: { actor }, input: { conversationId: params.id } });
  return new Response(transcript.text, {
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="${transcript.filename}"`,
    },
  });
});
