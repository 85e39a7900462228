import { createHash } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import { Readable, Transform, pipeline } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { getEnv } from "@/lib/env.js";
import { UpstreamError } from "@/lib/errors";

// A small typed Graph API client (PROTOCOL.md §7, §8). No database: callers pass what it needs.

const META_GRAPH_BASE = "https://graph.facebook.com";
const SIMULATOR_TOKEN = "simulator-token";

export type MediaInfo = {
  id: string;
  url: string;
  mimeType: string | null;
  /** Hex in GET /{media_id}; webhooks carry base64. `verifySha256` accepts both. */
  sha256: string | null;
  fileSize: number | null;
};

export type MediaDownload = {
  /** Bytes as they arrive; errors with MediaTooLargeError past maxBytes, or UpstreamError on a sha256 mismatch. */
  stream: Readable;
  contentType: string | null;
  contentLength: number | null;
};

export type GraphClient = {
  getMediaInfo(mediaId: string, options?: { phoneNumberId?: string }): Promise<MediaInfo>;
  downloadMedia(
    url: string,
    options: { maxBytes: number; sha256?: (string | null | undefined)[] },
  ): Promise<MediaDownload>;
};

/** A file over the caller's size cap: never retried. */
export class MediaTooLargeError extends UpstreamError {
  readonly limit: number;
  constructor(limit: number, size?: number) {
    super(
      size === undefined
        ? `Media exceeds ${limit} bytes`
        : `Media is ${size} bytes, over the ${limit} byte limit`,
      false,
      { details: { limit, ...(size === undefined ? {} : { size }) } },
    );
    this.limit = limit;
  }
}

/** Codes worth retrying (PROTOCOL.md §7): throughput, unknown/transient errors, API-call rate limits. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 341, 80007, 130429, 131000]);

export function createGraphClient(
  options: {
    accessToken?: string;
    fetch?: typeof fetch;
    timeoutMs?: number;
    downloadTimeoutMs?: number;
  } = {},
): GraphClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 300_000;

  async function request(url: string, timeout: number): Promise<Response> {
    const token = options.accessToken ?? resolveAccessToken();
    try {
      return await doFetch(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeout),
        redirect: "follow",
      });
    } catch (error) {
      throw new UpstreamError(`Graph API request failed: ${(error as Error).message}`, true, {
        cause: error,
      });
    }
  }

  return {
    async getMediaInfo(mediaId, { phoneNumberId } = {}) {
      const url = new URL(`${graphBase()}/${encodeURIComponent(mediaId)}`);
      if (phoneNumberId) url.searchParams.set("phone_number_id", phoneNumberId);
      const res = await request(url.toString(), timeoutMs);
      const body = await readJson(res);
      if (!res.ok) throw graphError(res.status, body);
      const info = body as Record<string, unknown> | null;
      if (!info || typeof info.url !== "string")
        throw new UpstreamError("Graph API returned media info without a url", true, {
          details: { status: res.status },
        });
      return {
        id: typeof info.id === "string" ? info.id : mediaId,
        url: info.url,
        mimeType: typeof info.mime_type === "string" ? info.mime_type : null,
        sha256: typeof info.sha256 === "string" ? info.sha256 : null,
        fileSize: toNumber(info.file_size),
      };
    },

    async downloadMedia(url, { maxBytes, sha256 = [] }) {
      const res = await request(url, downloadTimeoutMs);
      if (!res.ok) throw graphError(res.status, await readJson(res));
      const contentLength = toNumber(res.headers.get("content-length"));
      if (contentLength !== null && contentLength > maxBytes) {
        await res.body?.cancel();
        throw new MediaTooLargeError(maxBytes, contentLength);
      }
      if (!res.body) throw new UpstreamError("Media download returned no body", true);
      const expected = sha256.filter((s): s is string => Boolean(s));
      const hash = createHash("sha256");
      let size = 0;
      const guard = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          // Stop reading as soon as the cap is passed: a lying content-length must not fill the disk.
          if (size > maxBytes) return done(new MediaTooLargeError(maxBytes));
          hash.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          const digest = hash.digest();
          const bad = expected.find((value) => !sameDigest(digest, value));
          // A mismatch is most likely a truncated transfer: worth another try.
          if (bad) return done(new UpstreamError("Downloaded media does not match its sha256", true));
          done();
        },
      });
      const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      pipeline(source, guard, () => {});
      return { stream: guard, contentType: res.headers.get("content-type"), contentLength };
    },
  };
}

/**
 * One JSON Graph call: `path` is relative to the versioned base (e.g. `123/messages`). Returns the parsed
 * body on 2xx; throws the mapped UpstreamError (graphError) otherwise, or a retryable one on network failure.
 */
export async function graphJson<T = unknown>(
  path: string,
  init: {
    method?: "GET" | "POST" | "DELETE";
    json?: unknown;
    body?: BodyInit;
    query?: Record<string, string | number | undefined>;
    headers?: Record<string, string>;
    accessToken?: string;
    timeoutMs?: number;
    fetch?: typeof fetch;
    /**
     * Called with performance.now() when the request's headers are written to the socket (undici's
     * diagnostics channel; the global fetch only): fetch() itself returns before that, and a process
     * descheduled in between sends later than it asked to. Never called with a fetch of one's own.
     */
    onDispatch?: (atMs: number) => void;
  } = {},
): Promise<T> {
  const url = new URL(`${graphBase()}/${path.replace(/^\/+/, "")}`);
  for (const [key, value] of Object.entries(init.query ?? {}))
    if (value !== undefined) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = {
    authorization: `Bearer ${init.accessToken ?? resolveAccessToken()}`,
    ...init.headers,
  };
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  const request = () =>
    (init.fetch ?? fetch)(url, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
  let res: Response;
  try {
    res = await (init.onDispatch && !init.fetch ? watchDispatch(init.onDispatch, request) : request());
  } catch (error) {
    throw new UpstreamError(`Graph API request failed: ${(error as Error).message}`, true, { cause: error });
  }
  const parsed = await readJson(res);
  if (!res.ok) throw graphError(res.status, parsed);
  return parsed as T;
}

// undici creates a fetch's request synchronously inside fetch() and announces when it writes that request's
// headers: the caller inside fetch() at creation is the one to tell. An undici that created it later would
// tell no one (lib/messaging/send.int.test.ts checks that it tells).
let creating: ((atMs: number) => void) | undefined;
const dispatchCallers = new WeakMap<object, (atMs: number) => void>();
let watchingDispatches = false;

function watchDispatch<T>(onDispatch: (atMs: number) => void, request: () => T): T {
  if (!watchingDispatches) {
    watchingDispatches = true;
    diagnosticsChannel.subscribe("undici:request:create", (message) => {
      if (!creating) return;
      dispatchCallers.set((message as { request: object }).request, creating);
      creating = undefined;
    });
    diagnosticsChannel.subscribe("undici:client:sendHeaders", (message) => {
      const { request } = message as { request: object };
      const caller = dispatchCallers.get(request);
      if (!caller) return;
      dispatchCallers.delete(request);
      caller(performance.now());
    });
  }
  creating = onDispatch;
  try {
    return request();
  } finally {
    creating = undefined;
  }
}

/**
 * One unauthenticated request to the Graph origin, answered or not within `timeoutMs`. A process's first
 * fetch loads the HTTP client and opens a connection (about 100 ms on an idle machine, far more on a busy
 * one): paid by a send, that delay lands it on top of the next slot's send and crowds Meta's 1 s window.
 * Workers call this once before they take jobs.
 */
export async function warmGraphConnection(timeoutMs = 2_000): Promise<void> {
  try {
    const res = await fetch(`${graphBase()}/`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
  } catch {
    // Meta unreachable or slow now: sends will find out for themselves, with their own errors.
  }
}

/**
 * META_ACCESS_TOKEN, or the simulator's token when the Graph base is on loopback (demo mode).
 * Per-number encrypted tokens replace this in a later issue.
 */
export function resolveAccessToken(): string {
  const env = getEnv();
  if (env.META_ACCESS_TOKEN) return env.META_ACCESS_TOKEN;
  if (isLoopback(graphBase())) return SIMULATOR_TOKEN;
  throw new UpstreamError("META_ACCESS_TOKEN is not set", false);
}

/** Maps a Graph error response to an UpstreamError whose `retryable` tells the job runner what to do. */
export function graphError(status: number, body: unknown): UpstreamError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof error?.code === "number" ? error.code : undefined;
  const subcode = typeof error?.error_subcode === "number" ? error.error_subcode : undefined;
  const data = isRecord(error?.error_data) ? error.error_data : undefined;
  const message =
    (typeof error?.message === "string" && error.message) ||
    (typeof data?.details === "string" && data.details) ||
    `HTTP ${status}`;
  const details = {
    status,
    ...(code === undefined ? {} : { graphCode: code }),
    ...(subcode === undefined ? {} : { graphSubcode: subcode }),
  };
  return new UpstreamError(`Graph API error: ${message}`, isRetryable(status, code, error?.is_transient), {
    details,
  });
}

function isRetryable(status: number, code: number | undefined, transient: unknown): boolean {
  // Auth and permission problems (190, 0, 10, 200–299) need an admin, never a blind retry.
  if (code !== undefined && (code === 190 || code === 0 || code === 10 || (code >= 200 && code <= 299)))
    return false;
  if (status === 401 || status === 403) return false;
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  if (transient === true) return true;
  return status >= 500 || status === 429 || status === 408;
}

/** Compares a digest with an expected value given as hex (GET /{media_id}) or base64 (webhooks). */
export function sameDigest(digest: Buffer, expected: string): boolean {
  const value = expected.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return digest.equals(Buffer.from(value, "hex"));
  return digest.equals(Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

function graphBase(): string {
  const env = getEnv();
  const base = (env.GRAPH_API_BASE ?? META_GRAPH_BASE).replace(/\/+$/, "");
  return `${base}/${env.GRAPH_API_VERSION}`;
}

function isLoopback(base: string): boolean {
  const host = new URL(base).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => "");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toNumber(value: unknown): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
