// Size and type rules per media kind (PROTOCOL.md §8, Meta's supported-media table). Pure.

export const MEDIA_KINDS = ["image", "video", "audio", "document", "sticker"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

const MB = 1024 * 1024;

export const MEDIA_LIMITS: Record<MediaKind, { maxBytes: number; mimeTypes: readonly string[] }> = {
  // Inline kinds get a short list: the route serves them inline, so nothing scriptable (svg, html) gets in.
  image: { maxBytes: 5 * MB, mimeTypes: ["image/jpeg", "image/png"] },
  video: { maxBytes: 16 * MB, mimeTypes: ["video/mp4", "video/3gpp"] },
  audio: {
    maxBytes: 16 * MB,
    mimeTypes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus"],
  },
  // Documents are always served as attachments, so the list can follow what customers really send.
  document: {
    maxBytes: 100 * MB,
    mimeTypes: [
      "application/pdf",
      "text/plain",
      "text/csv",
      "application/msword",
      "application/vnd.ms-excel",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.oasis.opendocument.spreadsheet",
      "application/zip",
      // Photos and clips sent "as a document" keep their own type.
      "image/jpeg",
      "image/png",
      "image/heic",
      "video/mp4",
      "video/quicktime",
      "audio/mpeg",
    ],
  },
  sticker: { maxBytes: 500 * 1024, mimeTypes: ["image/webp"] },
};

export function isMediaKind(type: string): type is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(type);
}

/** "audio/ogg; codecs=opus" → "audio/ogg". */
export function baseMimeType(mimeType: string): string {
  return mimeType.split(";")[0]!.trim().toLowerCase();
}

export function isAllowedMimeType(kind: MediaKind, mimeType: string): boolean {
  return MEDIA_LIMITS[kind].mimeTypes.includes(baseMimeType(mimeType));
}

/** Images, audio, video and stickers display in the page; documents are downloaded. */
export function isInline(kind: MediaKind): boolean {
  return kind !== "document";
}

export function describeLimit(kind: MediaKind): string {
  const bytes = MEDIA_LIMITS[kind].maxBytes;
  return bytes >= MB ? `${bytes / MB} MB` : `${bytes / 1024} KB`;
}
