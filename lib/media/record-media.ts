import type { Tx } from "@/lib/db/client";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { isMediaKind } from "./limits";
import { insertMedia } from "./queries";

// Meta re-sends history media only for the last 14 days (PROTOCOL.md §5.4); older ones stay placeholders.
const HISTORY_MEDIA_DAYS = 14;

/**
 * Adds a pending media row for a newly stored (or newly filled history) message that carries media, in the
 * caller's transaction. Returns the row id to hand to `scheduleMediaDownload` after commit, or null.
 */
export async function recordMessageMedia(
  tx: Tx,
  input: { messageId: string; type: string; content: unknown; origin: "live" | "history"; timestamp: Date },
): Promise<string | null> {
  if (!isMediaKind(input.type)) return null;
  const content = isRecord(input.content) ? input.content : {};
  if (typeof content.id !== "string" || content.id === "") return null;
  const cutoff = Date.now() - HISTORY_MEDIA_DAYS * 24 * 60 * 60 * 1000;
  if (input.origin === "history" && input.timestamp.getTime() < cutoff) return null;
  return insertMedia(tx, {
    messageId: input.messageId,
    metaMediaId: content.id,
    mimeType: stringOrNull(content.mime_type),
    sha256: stringOrNull(content.sha256),
    filename: stringOrNull(content.filename),
  });
}

/** Hands a media row to the workers. If this is lost (no queue here, crash), the pending sweep re-enqueues it. */
export async function scheduleMediaDownload(mediaId: string): Promise<void> {
  try {
    // One queued job per media row: the sweep may ask again while a retry is waiting.
    await enqueue(queues.mediaDownload, { mediaId }, { singletonKey: mediaId });
  } catch (error) {
    console.error(
      `[media] could not enqueue download of ${mediaId}; the pending sweep will pick it up: ${(error as Error).message}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
