import { route } from "@/lib/http/route";
import { uploadFile } from "@/lib/messaging";

export const dynamic = "force-dynamic";

/** A file to attach to a message: the raw bytes as the body, its type as Content-Type, `?filename=`. */
export const POST = route(async (req, { actor }) => {
  const length = req.headers.get("content-length");
  return uploadFile({
    ctx: { actor },
    input: {
      body: req.body,
      mimeType: req.headers.get("content-type"),
      filename: req.nextUrl.searchParams.get("filename"),
      size: length ? Number(length) : null,
    },
  });
});
