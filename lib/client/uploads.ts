import { ApiError } from "./api";

// Files an agent attaches go up first (POST /api/v1/uploads, raw bytes) and are then sent by id. XHR rather
// than fetch because only XHR reports upload progress.

export type UploadKind = "image" | "video" | "audio" | "document" | "sticker";

/** What POST /api/v1/uploads answers. */
export type UploadedFile = {
  id: string;
  kind: UploadKind;
  mime_type: string;
  filename: string | null;
  size: number;
};

export type UploadTask = {
  file: File;
  promise: Promise<UploadedFile>;
  /** 0…1 of the bytes sent so far. */
  progress(): number;
  subscribe(listener: (fraction: number) => void): () => void;
  abort(): void;
};

export function startUpload(file: File): UploadTask {
  const xhr = new XMLHttpRequest();
  let fraction = 0;
  const listeners = new Set<(fraction: number) => void>();
  const emit = (next: number) => {
    fraction = next;
    for (const listener of listeners) listener(fraction);
  };
  const promise = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open("POST", `/api/v1/uploads?filename=${encodeURIComponent(file.name || "file")}`);
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.setRequestHeader("accept", "application/json");
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) emit(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body.id === "string") {
        emit(1);
        resolve(body as UploadedFile);
        return;
      }
      const error = (body?.error ?? {}) as { code?: string; message?: string } & Record<string, unknown>;
      const { code, message, ...details } = error;
      reject(
        new ApiError(
          xhr.status,
          code ?? "http_error",
          message ?? (xhr.status === 413 ? "The file is too large to send" : `Upload failed (${xhr.status})`),
          details,
        ),
      );
    };
    // Same error type as fetch's, so callers tell "no answer" from "refused" one way.
    xhr.onerror = () => reject(new TypeError("Network error while uploading"));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled", "AbortError"));
    xhr.send(file);
  });
  // A cancelled or failed upload nobody awaits yet must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  return {
    file,
    promise,
    progress: () => fraction,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    abort: () => xhr.abort(),
  };
}

// Mirrors the server's rule (lib/media/limits): these kinds go without a caption, everything else takes one.
const CAPTIONLESS = new Set([
  "audio/aac",
  "audio/amr",
  "audio/mpeg",
  "audio/mp4",
  "audio/ogg",
  "audio/opus",
  "image/webp",
]);

/** Whether WhatsApp shows a caption with a file of this type (audio and stickers have none). */
export function takesCaption(mimeType: string): boolean {
  return !CAPTIONLESS.has(mimeType.split(";")[0]!.trim().toLowerCase());
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
