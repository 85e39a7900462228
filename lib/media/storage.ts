import crypto from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { getEnv } from "@/lib/env.js";
import { NotFoundError } from "@/lib/errors";

export type StoredMeta = { contentType: string | null };

/** Where media bytes live. Keys are ours (see `storageKeyFor`), never taken from a payload. */
export type MediaStorage = {
  /** Writes the whole stream or nothing: a failed or aborted stream leaves no file behind. */
  put(key: string, body: Readable | Buffer, meta: StoredMeta): Promise<{ size: number }>;
  /** Throws NotFoundError when the key is missing. */
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
};

export function getMediaStorage(): MediaStorage {
  const env = getEnv();
  if (env.MEDIA_STORAGE === "s3") return s3Storage();
  return diskStorage(path.resolve(env.DATA_DIR, "media"));
}

/** Two-character fan-out keeps directories small; the id alone names the file. */
export function storageKeyFor(mediaId: string): string {
  return `${mediaId.slice(0, 2)}/${mediaId}`;
}

/** Files under `root`, readable by this user only (media are customers' private messages). */
export function diskStorage(root: string): MediaStorage {
  const fileOf = (key: string) => {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/.test(key) || key.includes(".."))
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path.join(root, key);
  };
  return {
    async put(key, body, _meta) {
      const file = fileOf(key);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${crypto.randomBytes(6).toString("hex")}.tmp`;
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        await pipeline(source, createWriteStream(temp, { mode: 0o600, flags: "wx" }));
        // Rename is atomic: a reader sees the old file, the new one, or none, never half a file.
        await fs.rename(temp, file);
      } catch (error) {
        await fs.rm(temp, { force: true });
        throw error;
      }
      return { size: (await fs.stat(file)).size };
    },
    async get(key) {
      const file = fileOf(key);
      try {
        const handle = await fs.open(file, "r");
        return handle.createReadStream();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("Media file");
        throw error;
      }
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
  };
}

/** Selected by MEDIA_STORAGE=s3. An S3 client needs request signing this build does not ship yet. */
function s3Storage(): MediaStorage {
  const fail = async (): Promise<never> => {
    throw new Error("S3 storage is not configured in this build");
  };
  return { put: fail, get: fail, delete: fail };
}
