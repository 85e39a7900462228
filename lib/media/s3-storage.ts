import { Readable } from "node:stream";
import type * as S3Sdk from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { NotFoundError, UpstreamError } from "@/lib/errors";
import type { MediaStorage } from "./storage";

export type S3Config = {
  bucket: string;
  /** Unset for AWS; the service's URL for MinIO, R2, Ceph and the like. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
};

// S3's smallest multipart part (bar the last) is 5 MiB. A stream is buffered one part at a time, so an
// upload of unknown length never sits whole in memory; anything smaller goes up in one PutObject.
const PART_BYTES = 8 * 1024 * 1024;

type Sdk = typeof S3Sdk;
// Loaded on first use: a deployment on local disk never pays for the SDK.
let sdk: Promise<Sdk> | undefined;

/**
 * Objects in one S3-compatible bucket. Bytes only ever travel through this process (no presigned or public
 * URLs), so the authorized route stays the only way to read them.
 */
export function s3Storage(config: S3Config): MediaStorage {
  let client: Promise<{ s3: S3Client; sdk: Sdk }> | undefined;
  const ready = () =>
    (client ??= (sdk ??= import("@aws-sdk/client-s3")).then((loaded) => ({
      sdk: loaded,
      s3: new loaded.S3Client({
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
        credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
        // Checksums only where S3 demands them: several S3-compatible services refuse the newer defaults.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
      }),
    })));
  const Bucket = config.bucket;

  /**
   * Runs one S3 call. A missing key on a read is NotFoundError; anything else (a missing bucket included)
   * becomes a retryable UpstreamError naming the operation.
   */
  async function call<T>(what: string, key: string, run: (s3: S3Client, sdk: Sdk) => Promise<T>): Promise<T> {
    const { s3, sdk } = await ready();
    try {
      return await run(s3, sdk);
    } catch (error) {
      if ((what === "read" || what === "check") && isMissingKey(error)) throw new NotFoundError("Media file");
      throw new UpstreamError(`Media storage could not ${what} ${key}: ${(error as Error).message}`, true, {
        cause: error,
      });
    }
  }

  const storage: MediaStorage = {
    async put(Key, body, meta) {
      const ContentType = meta.contentType ?? undefined;
      const putWhole = (Body: Buffer) =>
        call("store", Key, (s3, { PutObjectCommand }) =>
          s3.send(new PutObjectCommand({ Bucket, Key, Body, ContentType, ContentLength: Body.length })),
        );
      if (Buffer.isBuffer(body)) {
        await putWhole(body);
        return { size: body.length };
      }

      let size = 0;
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let uploadId: string | undefined;
      const parts: { ETag: string | undefined; PartNumber: number }[] = [];
      const uploadPart = async (Body: Buffer) => {
        const PartNumber = parts.length + 1;
        const id = uploadId!;
        const { ETag } = await call("store", Key, (s3, { UploadPartCommand }) =>
          s3.send(
            new UploadPartCommand({
              Bucket,
              Key,
              UploadId: id,
              PartNumber,
              Body,
              ContentLength: Body.length,
            }),
          ),
        );
        parts.push({ ETag, PartNumber });
      };
      try {
        // Errors of the source stream (size cap, checksum) surface unchanged; only S3's own are wrapped.
        for await (const chunk of body) {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          pending.push(bytes);
          pendingBytes += bytes.length;
          size += bytes.length;
          if (pendingBytes < PART_BYTES) continue;
          uploadId ??= await call("store", Key, async (s3, { CreateMultipartUploadCommand }) => {
            const created = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
            if (!created.UploadId) throw new Error("no UploadId in the CreateMultipartUpload answer");
            return created.UploadId;
          });
          const part = Buffer.concat(pending);
          pending = [];
          pendingBytes = 0;
          await uploadPart(part);
        }
        const rest = Buffer.concat(pending);
        if (uploadId === undefined) {
          await putWhole(rest);
          return { size };
        }
        if (rest.length > 0) await uploadPart(rest);
        const id = uploadId;
        await call("store", Key, (s3, { CompleteMultipartUploadCommand }) =>
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket,
              Key,
              UploadId: id,
              MultipartUpload: { Parts: parts },
            }),
          ),
        );
        return { size };
      } catch (error) {
        // An unfinished multipart upload is invisible to readers but billed until aborted.
        const id = uploadId;
        if (id !== undefined)
          await call("abort", Key, (s3, { AbortMultipartUploadCommand }) =>
            s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: id })),
          ).catch(() => {});
        throw error;
      }
    },

    async open(Key) {
      const object = await call("read", Key, (s3, { GetObjectCommand }) =>
        s3.send(new GetObjectCommand({ Bucket, Key })),
      );
      if (!(object.Body instanceof Readable))
        throw new UpstreamError(`Media storage returned no body for ${Key}`, true);
      return {
        stream: object.Body,
        size: object.ContentLength ?? null,
        contentType: object.ContentType ?? null,
      };
    },

    async get(key) {
      return (await storage.open(key)).stream;
    },

    async exists(Key) {
      try {
        await call("check", Key, (s3, { HeadObjectCommand }) =>
          s3.send(new HeadObjectCommand({ Bucket, Key })),
        );
        return true;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    },

    async delete(Key) {
      // S3 answers 204 for a key that is already gone.
      await call("delete", Key, (s3, { DeleteObjectCommand }) =>
        s3.send(new DeleteObjectCommand({ Bucket, Key })),
      );
    },
  };
  return storage;
}

function isMissingKey(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  // HEAD answers carry no body, so a 404 there cannot tell a missing key from a missing bucket.
  return e?.name === "NoSuchKey" || (e?.$metadata?.httpStatusCode === 404 && e?.name !== "NoSuchBucket");
}
