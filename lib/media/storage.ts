import path from "node:path";
import type { Readable } from "node:stream";
import { getEnv, type Env } from "@/lib/env.js";
import { UpstreamError } from "@/lib/errors";
import { diskStorage } from "./disk-storage";
import { s3Storage } from "./s3-storage";

export type StoredMeta = { contentType: string | null };

export type StoredObject = {
  stream: Readable;
  /** Byte length as the store reports it, when it knows. */
  size: number | null;
  /** As given to `put`; null where the store keeps bytes only (disk). */
  contentType: string | null;
};

/** Where media bytes live. Keys are ours (see `storageKeyFor`), never taken from a payload. */
export type MediaStorage = {
  /** Writes the whole stream or nothing: a failed or aborted stream leaves no object behind. */
  put(key: string, body: Readable | Buffer, meta: StoredMeta): Promise<{ size: number }>;
  /** Throws NotFoundError when the key is missing. */
  open(key: string): Promise<StoredObject>;
  /** `open(key).stream`, for callers that want the bytes only. */
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /** Missing keys are fine: deleting twice is not an error. */
  delete(key: string): Promise<void>;
};

// Keys in S3 carry this prefix; keys without it are files under DATA_DIR/media (all keys written before S3).
// The key alone says which store holds the bytes, so switching MEDIA_STORAGE never orphans older media.
const S3_PREFIX = "s3:";

/**
 * The media store: writes go to the store the key names, so pair it with `storageKeyFor`. Reads and
 * deletes follow the key too, whichever store is configured for new files today.
 */
export function getMediaStorage(): MediaStorage {
  const env = getEnv();
  const disk = diskStorage(path.resolve(env.DATA_DIR, "media"));
  const route = (key: string): [MediaStorage, string] =>
    key.startsWith(S3_PREFIX) ? [s3For(env), key.slice(S3_PREFIX.length)] : [disk, key];
  return {
    put: (key, body, meta) => {
      const [store, inner] = route(key);
      return store.put(inner, body, meta);
    },
    open: (key) => {
      const [store, inner] = route(key);
      return store.open(inner);
    },
    get: (key) => {
      const [store, inner] = route(key);
      return store.get(inner);
    },
    exists: (key) => {
      const [store, inner] = route(key);
      return store.exists(inner);
    },
    delete: (key) => {
      const [store, inner] = route(key);
      return store.delete(inner);
    },
  };
}

/** A new key in the store configured for new files. Two-character fan-out keeps directories small. */
export function storageKeyFor(mediaId: string): string {
  const key = `${mediaId.slice(0, 2)}/${mediaId}`;
  return getEnv().MEDIA_STORAGE === "s3" ? `${S3_PREFIX}${key}` : key;
}

// One client per validated environment, so its connection pool is shared by every request and job.
let cached: { env: Env; storage: MediaStorage } | undefined;

function s3For(env: Env): MediaStorage {
  if (cached?.env === env) return cached.storage;
  const storage =
    env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
      ? s3Storage({
          bucket: env.S3_BUCKET,
          endpoint: env.S3_ENDPOINT,
          region: env.S3_REGION,
          forcePathStyle: env.S3_FORCE_PATH_STYLE,
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        })
      : unconfiguredS3();
  cached = { env, storage };
  return storage;
}

/** Media stored in S3 earlier, with S3_BUCKET since removed: a configuration problem, not a missing file. */
function unconfiguredS3(): MediaStorage {
  const fail = async (): Promise<never> => {
    throw new UpstreamError("This file is in S3 media storage, but S3_BUCKET is not set", false);
  };
  return { put: fail, open: fail, get: fail, exists: fail, delete: fail };
}
