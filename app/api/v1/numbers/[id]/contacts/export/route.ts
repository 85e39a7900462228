import { exportContacts } from "@/lib/contacts";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The number's WhatsApp Business account's contacts as CSV, streamed. */
export const GET = route<{ id: string }>(async (_req, { actor, params }) => {
  const rows = await exportContacts({ ctx: { actor }, input: { numberId: params.id } });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="contacts-${params.id}.csv"`,
    },
  });
});
