import { assertCan } from "@/lib/auth/permissions";
import { touchConversation } from "@/lib/conversations";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { UpstreamError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { createGraphClient, MediaTooLargeError, type GraphClient } from "@/lib/whatsapp/client";
import {
  baseMimeType,
  describeLimit,
  isAllowedMimeType,
  isMediaKind,
  MEDIA_LIMITS,
  type MediaKind,
} from "./limits";
import { countAttempt, selectMediaWithMessage, settleMedia, type MediaWithMessage } from "./queries";
import { getMediaStorage, storageKeyFor, type MediaStorage } from "./storage";

/** Tries per media row, counted on the row so sweeps and job retries share one budget (1 + retryLimit). */
export const MEDIA_DOWNLOAD_ATTEMPTS = 7;

type Outcome = Parameters<typeof settleMedia>[2];
type Failure = Extract<Outcome, { state: "unavailable" | "too_large" }>;

/**
 * Copies one message's media from the Graph API into our storage (PROTOCOL.md §8): fresh url, limits by
 * kind, sha256 check, store, mark `stored`. A failure that can never succeed, or the last attempt, settles
 * the row as `unavailable`/`too_large` with a plain reason; other failures throw so the job is retried.
 */
export async function downloadMedia({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { mediaId: string };
}): Promise<{ state: MediaWithMessage["state"] | "missing" }> {
  assertCan(ctx.actor, "ingest:apply");
  const row = await selectMediaWithMessage(dbOf(ctx), input.mediaId);
  if (!row) return { state: "missing" };
  if (row.state !== "pending") return { state: row.state };
  const attempt = await countAttempt(dbOf(ctx), row.id);
  // Another run settled it between the read and now.
  if (attempt === undefined)
    return { state: (await selectMediaWithMessage(dbOf(ctx), row.id))?.state ?? "missing" };

  const kind: MediaKind = isMediaKind(row.kind) ? row.kind : "document";
  const client = createGraphClient();
  const storage = getMediaStorage();
  let outcome: Outcome;
  try {
    outcome = await fetchAndStore(row, kind, client, storage);
  } catch (error) {
    const retryable = !(error instanceof UpstreamError) || error.retryable;
    if (retryable && attempt < MEDIA_DOWNLOAD_ATTEMPTS) throw error;
    outcome = failure(error, kind, retryable ? attempt : undefined);
  }
  return settle(ctx, row, outcome);
}

async function fetchAndStore(
  row: MediaWithMessage,
  kind: MediaKind,
  client: GraphClient,
  storage: MediaStorage,
): Promise<Outcome> {
  const { maxBytes } = MEDIA_LIMITS[kind];
  const info = await client.getMediaInfo(row.metaMediaId, { phoneNumberId: row.metaPhoneNumberId });
  const mimeType = info.mimeType ?? row.mimeType;
  if (!mimeType || !isAllowedMimeType(kind, mimeType)) {
    return {
      state: "unavailable",
      error: `${mimeType ? baseMimeType(mimeType) : "An unknown file type"} is not accepted for ${kind} messages`,
      mimeType,
      fileSize: info.fileSize,
    };
  }
  if (info.fileSize !== null && info.fileSize > maxBytes)
    throw new MediaTooLargeError(maxBytes, info.fileSize);
  const download = await client.downloadMedia(info.url, { maxBytes, sha256: [row.sha256, info.sha256] });
  const key = storageKeyFor(row.id);
  const { size } = await storage.put(key, download.stream, { contentType: mimeType });
  return { state: "stored", storageKey: key, mimeType, fileSize: size };
}

/** Settles the row, bumps the conversation and tells watchers, in one transaction then after commit. */
async function settle(ctx: Ctx, row: MediaWithMessage, outcome: Outcome) {
  const touch = await withTransaction(ctx, async (tx) => {
    if (!(await settleMedia(tx, row.id, outcome))) return null;
    return touchConversation(tx, row.conversationId);
  });
  if (touch)
    await publishConversationChanged({
      ...touch,
      messageId: row.messageId,
      messageIds: [row.messageId],
      reason: "change",
    });
  return { state: outcome.state };
}

function failure(error: unknown, kind: MediaKind, attempts?: number): Failure {
  if (error instanceof MediaTooLargeError) {
    const size = error.details?.size;
    return {
      state: "too_large",
      error: `The file is over the ${describeLimit(kind)} limit for ${kind} messages`,
      fileSize: typeof size === "number" ? size : null,
    };
  }
  const message = (error as Error).message;
  if (attempts !== undefined)
    return { state: "unavailable", error: `Download failed ${attempts} times: ${message}` };
  const details = error instanceof UpstreamError ? error.details : undefined;
  const code = details?.graphCode;
  if (details?.status === 404 || code === 100)
    return {
      state: "unavailable",
      error: "WhatsApp no longer has this file (media ids expire after 7 days)",
    };
  if (code === 190 || details?.status === 401)
    return {
      state: "unavailable",
      error: "WhatsApp refused the access token; an admin must reconnect the number",
    };
  return { state: "unavailable", error: `Cannot download from WhatsApp: ${message}` };
}
