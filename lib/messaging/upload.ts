import { personId } from "@/lib/auth/actor";
import crypto from "node:crypto";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { AppError, ValidationError } from "@/lib/errors";
import {
  baseMimeType,
  describeLimit,
  isAllowedMimeType,
  MEDIA_LIMITS,
  type MediaKind,
} from "@/lib/media/limits";
import { getMediaStorage, storageKeyFor } from "@/lib/media/storage";

export type UploadDto = {
  id: string;
  kind: MediaKind;
  mime_type: string;
  filename: string | null;
  size: number;
};

/** The kind WhatsApp will send a file as: by its type, documents for everything else it accepts. */
export function kindFor(mimeType: string): MediaKind | null {
  const mime = baseMimeType(mimeType);
  for (const kind of ["image", "video", "audio", "sticker"] as const)
    if (isAllowedMimeType(kind, mime)) return kind;
  return isAllowedMimeType("document", mime) ? "document" : null;
}

/**
 * Stores a file an agent attaches (PROTOCOL.md §8 limits), streamed to storage with the size cap enforced
 * as it arrives, so an oversized upload is refused without being buffered. Sent to Meta at send time.
 */
export async function uploadFile({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    body: ReadableStream<Uint8Array> | null;
    mimeType: string | null;
    filename: string | null;
    size: number | null;
  };
}): Promise<UploadDto> {
  assertCan(ctx.actor, "conversations:reply");
  if (!input.mimeType) throw new ValidationError("Content-Type is required", { field: "content-type" });
  const kind = kindFor(input.mimeType);
  if (!kind)
    throw new ValidationError(`WhatsApp cannot send files of type ${baseMimeType(input.mimeType)}`, {
      field: "content-type",
    });
  const limit = MEDIA_LIMITS[kind].maxBytes;
  if (input.size !== null && input.size > limit) throw new FileTooLargeError(kind, limit);
  if (!input.body) throw new ValidationError("The file is empty", { field: "body" });
  const filename = input.filename ? input.filename.replace(/[\\/\0]/g, "_").slice(0, 200) : null;

  const id = crypto.randomUUID();
  const key = storageKeyFor(id);
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(new FileTooLargeError(kind, limit));
      done(null, chunk);
    },
  });
  const source = Readable.fromWeb(input.body as WebReadableStream<Uint8Array>);
  source.on("error", (error) => cap.destroy(error));
  // The storage's put rejects with the error; without a listener of our own, a storage that detaches its
  // listeners first lets the same error crash the process as uncaught.
  cap.on("error", () => {});
  await getMediaStorage().put(key, source.pipe(cap), { contentType: baseMimeType(input.mimeType) });
  if (size === 0) {
    await getMediaStorage().delete(key);
    throw new ValidationError("The file is empty", { field: "body" });
  }
  await dbOf(ctx).execute(sql`
    insert into outbound_uploads (id, storage_key, mime_type, filename, file_size, uploaded_by)
    values (${id}, ${key}, ${baseMimeType(input.mimeType)}, ${filename}, ${size},
            ${personId(ctx.actor)})`);
  return { id, kind, mime_type: baseMimeType(input.mimeType), filename, size };
}

class FileTooLargeError extends AppError {
  constructor(kind: MediaKind, limit: number) {
    super("payload_too_large", `A ${kind} may be at most ${describeLimit(kind)} on WhatsApp`, 413, {
      details: { limit },
    });
  }
}
