import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { setRuntimeEnv } from "@/lib/env.js";
import { UpstreamError } from "@/lib/errors";
import {
  createGraphClient,
  graphError,
  MediaTooLargeError,
  resolveAccessToken,
  sameDigest,
  warmGraphConnection,
} from "./client";

const metaError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) something`, type: "OAuthException", code, fbtrace_id: "x", ...extra },
});

describe("graphError", () => {
  it.each([
    ["HTTP 500 without a body", 500, "oops", true],
    ["HTTP 503", 503, metaError(2, { is_transient: true }), true],
    ["throughput 130429", 429, metaError(130429), true],
    ["bare 429", 429, {}, true],
    ["unknown error 131000", 500, metaError(131000), true],
    ["app rate limit 4", 400, metaError(4), true],
    ["WABA rate limit 80007", 400, metaError(80007), true],
    ["expired token 190", 401, metaError(190), false],
    ["auth 0", 401, metaError(0), false],
    ["permission 10", 403, metaError(10), false],
    ["permission 200", 403, metaError(200), false],
    ["permission 299", 403, metaError(299), false],
    ["unknown object 100/33", 400, metaError(100, { error_subcode: 33 }), false],
    ["download url gone", 404, "Not found", false],
    ["bad request 131008", 400, metaError(131008), false],
  ])("%s → retryable %s", (_name, status, body, retryable) => {
    const error = graphError(status, body);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.code).toBe("upstream_failed");
    expect(error.retryable).toBe(retryable);
    expect(error.details?.status).toBe(status);
  });

  it("keeps Meta's code, subcode and message", () => {
    const error = graphError(400, metaError(100, { error_subcode: 33 }));
    expect(error.details).toMatchObject({ graphCode: 100, graphSubcode: 33 });
    expect(error.message).toContain("(#100) something");
  });
});

describe("sameDigest", () => {
  const bytes = Buffer.from("hello media");
  const digest = createHash("sha256").update(bytes).digest();
  it("accepts hex (GET /{media_id}) and base64 (webhooks)", () => {
    expect(sameDigest(digest, digest.toString("hex"))).toBe(true);
    expect(sameDigest(digest, digest.toString("hex").toUpperCase())).toBe(true);
    expect(sameDigest(digest, digest.toString("base64"))).toBe(true);
    expect(sameDigest(digest, digest.toString("base64url"))).toBe(true);
    expect(sameDigest(digest, createHash("sha256").update("other").digest("base64"))).toBe(false);
  });
});

describe("access token", () => {
  const saved = { base: process.env.GRAPH_API_BASE, token: process.env.META_ACCESS_TOKEN };
  afterEach(() => {
    delete process.env.GRAPH_API_BASE;
    delete process.env.META_ACCESS_TOKEN;
    setRuntimeEnv({ GRAPH_API_BASE: saved.base, META_ACCESS_TOKEN: saved.token });
  });

  it("uses the simulator token only on loopback", () => {
    delete process.env.META_ACCESS_TOKEN;
    setRuntimeEnv({ GRAPH_API_BASE: "http://127.0.0.1:3100" });
    expect(resolveAccessToken()).toBe("simulator-token");
    setRuntimeEnv({ GRAPH_API_BASE: "http://localhost:3100" });
    expect(resolveAccessToken()).toBe("simulator-token");
    setRuntimeEnv({ GRAPH_API_BASE: "https://graph.facebook.com" });
    const error = (() => {
      try {
        resolveAccessToken();
      } catch (e) {
        return e as UpstreamError;
      }
    })();
    expect(error?.message).toBe("META_ACCESS_TOKEN is not set");
    expect(error?.retryable).toBe(false);
  });

  it("prefers META_ACCESS_TOKEN when set", () => {
    setRuntimeEnv({ GRAPH_API_BASE: "http://127.0.0.1:3100", META_ACCESS_TOKEN: "real-token" });
    expect(resolveAccessToken()).toBe("real-token");
  });
});

describe("warmGraphConnection", () => {
  afterEach(() => {
    delete process.env.GRAPH_API_BASE;
    setRuntimeEnv({});
  });

  it("makes one request to the Graph base without the token, and never throws", async () => {
    const seen: { url?: string; auth?: string }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization });
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"code":100}}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    setRuntimeEnv({ GRAPH_API_BASE: `http://127.0.0.1:${port}` });
    await warmGraphConnection();
    expect(seen).toEqual([{ url: expect.stringMatching(/^\/v\d+\.\d+\/$/), auth: undefined }]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Nothing listens there any more: still resolves.
    await expect(warmGraphConnection(500)).resolves.toBeUndefined();
  });
});

describe("client", () => {
  const calls: { url: string; auth: string | null }[] = [];
  const fakeFetch =
    (respond: (url: string) => Response): typeof fetch =>
    async (input, init) => {
      calls.push({ url: String(input), auth: new Headers(init?.headers).get("authorization") });
      return respond(String(input));
    };

  it("gets media info with the bearer token and the phone number id", async () => {
    process.env.GRAPH_API_BASE = "http://127.0.0.1:9/";
    setRuntimeEnv({});
    const client = createGraphClient({
      accessToken: "t0k",
      fetch: fakeFetch(() =>
        Response.json({
          url: "http://127.0.0.1:9/dl",
          mime_type: "image/jpeg",
          sha256: "ab",
          file_size: 12,
          id: "m1",
        }),
      ),
    });
    const info = await client.getMediaInfo("m1", { phoneNumberId: "pn1" });
    expect(info).toEqual({
      id: "m1",
      url: "http://127.0.0.1:9/dl",
      mimeType: "image/jpeg",
      sha256: "ab",
      fileSize: 12,
    });
    expect(calls.at(-1)).toEqual({
      url: "http://127.0.0.1:9/v25.0/m1?phone_number_id=pn1",
      auth: "Bearer t0k",
    });
    delete process.env.GRAPH_API_BASE;
    setRuntimeEnv({});
  });

  it("maps a Graph error on media info", async () => {
    const client = createGraphClient({
      accessToken: "t",
      fetch: fakeFetch(() => Response.json(metaError(100, { error_subcode: 33 }), { status: 400 })),
    });
    await expect(client.getMediaInfo("gone")).rejects.toMatchObject({ retryable: false });
  });

  it("maps a network failure to a retryable error", async () => {
    const client = createGraphClient({
      accessToken: "t",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(client.getMediaInfo("m")).rejects.toMatchObject({ retryable: true });
  });

  const bytes = Buffer.from("0123456789abcdef");
  const hex = createHash("sha256").update(bytes).digest("hex");
  const b64 = createHash("sha256").update(bytes).digest("base64");
  const serve = (headers: Record<string, string> = {}) => fakeFetch(() => new Response(bytes, { headers }));

  it("streams a download and verifies both sha256 encodings", async () => {
    const client = createGraphClient({ accessToken: "t", fetch: serve({ "content-type": "image/jpeg" }) });
    const download = await client.downloadMedia("http://x/dl", { maxBytes: 100, sha256: [b64, hex, null] });
    expect(await text(download.stream)).toBe(bytes.toString());
    expect(download.contentType).toBe("image/jpeg");
  });

  it("fails the stream on a sha256 mismatch (retryable)", async () => {
    const client = createGraphClient({ accessToken: "t", fetch: serve() });
    const other = createHash("sha256").update("x").digest("base64");
    const download = await client.downloadMedia("http://x/dl", { maxBytes: 100, sha256: [other] });
    await expect(text(download.stream)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringMatching(/sha256/),
    });
  });

  it("refuses a body over the cap, by content-length or while streaming", async () => {
    const byHeader = createGraphClient({
      accessToken: "t",
      fetch: serve({ "content-length": String(bytes.length) }),
    });
    await expect(byHeader.downloadMedia("http://x/dl", { maxBytes: 8 })).rejects.toBeInstanceOf(
      MediaTooLargeError,
    );
    const streamed = createGraphClient({ accessToken: "t", fetch: serve() });
    const download = await streamed.downloadMedia("http://x/dl", { maxBytes: 8 });
    await expect(text(download.stream)).rejects.toBeInstanceOf(MediaTooLargeError);
  });
});
