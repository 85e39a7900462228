import { Readable } from "node:stream";
import { route } from "@/lib/http/route";
import { getMediaFile } from "@/lib/media";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(async (_req, { actor, params, requestId }) => {
  const file = await getMediaFile({ ctx: { actor }, input: { id: params.id } });
  const headers = new Headers({
    "content-type": file.mimeType,
    "content-disposition": file.inline ? "inline" : attachment(file.filename ?? "document"),
    "cache-control": "private, max-age=3600",
    "x-content-type-options": "nosniff",
    "x-request-id": requestId,
  });
  if (file.size !== null) headers.set("content-length", String(file.size));
  return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, { headers });
});

/** RFC 6266: an ASCII fallback for old clients, the exact UTF-8 name for the rest. */
function attachment(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
