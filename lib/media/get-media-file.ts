import type { Readable } from "node:stream";
import { assertCan } from "@/lib/auth/permissions";
import { getConversation } from "@/lib/conversations";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { MediaUnavailableError } from "./errors";
import { isInline, isMediaKind } from "./limits";
import { selectMediaWithMessage } from "./queries";
import { getMediaStorage, type StoredObject } from "./storage";
import { isUuid } from "@/lib/utils/ids";

export type MediaFile = {
  stream: Readable;
  mimeType: string;
  size: number | null;
  filename: string | null;
  /** Images, audio, video and stickers display in the page; documents download. */
  inline: boolean;
};

/**
 * A stored media file, for the actor who may read its conversation. Out-of-scope media looks missing;
 * media that is not stored explains why (still downloading, too large, gone at WhatsApp…).
 */
export async function getMediaFile({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<MediaFile> {
  assertCan(ctx.actor, "conversations:read");
  const row = isUuid(input.id) ? await selectMediaWithMessage(dbOf(ctx), input.id) : undefined;
  if (!row) throw new NotFoundError("Media");
  try {
    await getConversation({ ctx, input: { id: row.conversationId } });
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError("Media");
    throw error;
  }
  if (row.state !== "stored" || !row.storageKey || !row.mimeType) {
    const reason =
      row.state === "pending"
        ? "the file is still being downloaded"
        : (row.error ?? "the file could not be downloaded");
    throw new MediaUnavailableError(reason, row.state);
  }
  let stored: StoredObject;
  try {
    stored = await getMediaStorage().open(row.storageKey);
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new MediaUnavailableError("the stored file is missing", "missing");
    throw error;
  }
  return {
    stream: stored.stream,
    // The type is the one we checked against the limits, never what the store echoes back.
    mimeType: row.mimeType,
    size: stored.size ?? row.fileSize,
    filename: row.filename,
    inline: isMediaKind(row.kind) && isInline(row.kind),
  };
}
