import crypto from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { eq, sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { media, messages } from "@/lib/db/schema";
import { setRuntimeEnv } from "@/lib/env.js";
import { NotFoundError, UpstreamError } from "@/lib/errors";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { createQueues, startWorkers } from "@/lib/jobs/registry";
import { addNumber } from "@/lib/numbers";
import { purgeExpired, setNumberRetention } from "@/lib/retention";
import { freePort } from "@/lib/runtime/free-port";
import * as meta from "@/lib/simulator/payloads";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { GET as getMediaRoute } from "@/app/api/v1/media/[id]/route";
import { POST as uploadRoute } from "@/app/api/v1/uploads/route";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { diskStorage } from "./disk-storage";
import { s3Storage } from "./s3-storage";
import { getMediaStorage, storageKeyFor } from "./storage";
import { downloadMedia, getMediaFile, MediaUnavailableError } from "./index";

// Media in an S3-compatible bucket (s3rver, a real S3 HTTP server on loopback), fetched from the Cloud API
// simulator and served through the authorized route.
useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "400000000000078",
  phoneNumberId: "140000000000078",
  displayNumber: "15550140078",
};
const person: meta.Person = { name: "S3 Person", phone: "447700900778", bsuid: "GB.778000111222" };
const BUCKET = "tandem-media";
const MB = 1024 * 1024;

let sim: Simulator;
let s3rver: S3rver;
let s3Url: string;
let s3Front: http.Server;
/** What the app asked of S3 ("POST uploads", "PUT partNumber,uploadId"…), seen by a pass-through front. */
const s3Calls: string[] = [];
let bucketDir: string;
let dataDir: string;
let numberId: string;
let teamId: string;
let otherTeamId: string;
let seq = 0;
const wamid = () => `wamid.s3media${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);

beforeAll(async () => {
  bucketDir = await fs.mkdtemp(path.join(os.tmpdir(), "tandem-s3rver-"));
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tandem-s3-data-"));
  const port = await freePort();
  s3rver = new S3rver({
    port,
    address: "127.0.0.1",
    silent: true,
    directory: bucketDir,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  await s3rver.run();
  s3Url = `http://127.0.0.1:${port}`;
  // The app talks to s3rver through this front, so a test can see which S3 calls a store made.
  s3Front = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://front");
    s3Calls.push(
      `${req.method} ${[...url.searchParams.keys()]
        .filter((k) => k !== "x-id")
        .sort()
        .join(",")}`,
    );
    const upstream = http.request(
      { port, host: "127.0.0.1", method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => s3Front.listen(0, "127.0.0.1", resolve));
  const frontUrl = `http://127.0.0.1:${(s3Front.address() as AddressInfo).port}`;
  sim = await startSimulator({
    port: 0,
    appWebhookUrl: "http://127.0.0.1:9/unused",
    appSecret: "unused-secret-0123",
    accessToken: "simulator-token",
    numbers: [{ ...biz, coexistence: true }],
    log: () => {},
  });
  // No MEDIA_STORAGE: a bucket alone selects S3 for new files.
  setRuntimeEnv({
    GRAPH_API_BASE: sim.url,
    DATA_DIR: dataDir,
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: frontUrl,
    S3_REGION: "us-east-1",
    S3_FORCE_PATH_STYLE: "1",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
  });
  const team = await createTeam({ ctx, input: { name: "S3 team" } });
  const other = await createTeam({ ctx, input: { name: "Other S3 team" } });
  teamId = team.id;
  otherTeamId = other.id;
  const number = await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 014 0078", coexistence: true, defaultTeamId: teamId },
  });
  numberId = number.id;
});

afterAll(async () => {
  setRuntimeEnv({ MEDIA_STORAGE: "local" });
  await sim?.stop();
  s3Front?.closeAllConnections();
  await new Promise((resolve) => s3Front?.close(resolve));
  await s3rver?.close();
  await fs.rm(bucketDir, { recursive: true, force: true });
  await fs.rm(dataDir, { recursive: true, force: true });
});

const bucketClient = () =>
  new S3Client({
    endpoint: s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });

/** Asks the bucket itself, not our storage code, whether an object is there. */
async function inBucket(storageKey: string): Promise<number | null> {
  expect(storageKey).toMatch(/^s3:/);
  const client = bucketClient();
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: storageKey.slice(3) }));
    return head.ContentLength ?? null;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  } finally {
    client.destroy();
  }
}

async function ingest(envelope: unknown) {
  const eventId = await storeWebhookEvent(Buffer.from(metaJson(envelope)));
  return applyWebhookEvent({ ctx, input: { eventId } });
}

/** An inbound (or echoed) media message whose file the simulator holds; returns its media row. */
async function receive(
  bytes: Buffer,
  mimeType: string,
  content: (ref: meta.MediaRef) => meta.Content,
  options: { echo?: boolean; secondsAgo?: number } = {},
) {
  const item = sim.state.storeMedia(bytes, mimeType);
  const ref = { id: item.id, mimeType: item.mimeType, sha256: item.sha256B64 };
  const id = wamid();
  const message = { id, timestamp: ts(options.secondsAgo), content: content(ref) };
  await ingest(
    options.echo ? meta.messageEcho(biz, person, message) : meta.inboundMessage(biz, person, message),
  );
  const [row] = await getDb()
    .select({ media })
    .from(messages)
    .innerJoin(media, eq(media.messageId, messages.id))
    .where(eq(messages.wamid, id));
  return row!.media;
}

async function rowById(id: string) {
  const [row] = await getDb().select().from(media).where(eq(media.id, id));
  return row!;
}

const agentOf = (team: string): Actor => ({
  type: "user",
  id: crypto.randomUUID(),
  role: "agent",
  teamIds: [team],
});

const sessionCookie = (team: string) => cookieForNewUser("agent", { teamIds: [team] });

const getRoute = (id: string, cookie?: string) =>
  getMediaRoute(
    new NextRequest(`http://localhost/api/v1/media/${id}`, { headers: cookie ? { cookie } : {} }),
    { params: Promise.resolve({ id }) },
  );

const jpeg = (n: number) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(n), Buffer.from([0xff, 0xd9])]);

describe("media in S3-compatible storage", () => {
  it("the download job stores inbound media in the bucket, and the route serves the same bytes", async () => {
    const bytes = jpeg(20_000);
    const boss = await startBoss({ worker: true });
    let row;
    try {
      await createQueues(boss);
      await startWorkers(boss);
      // Ingestion enqueues media.download after commit; the worker does the rest.
      const received = await receive(bytes, "image/jpeg", (ref) => ({ type: "image", media: ref }));
      await expect
        .poll(async () => (await rowById(received.id)).state, { timeout: 20_000, interval: 200 })
        .toBe("stored");
      row = await rowById(received.id);
    } finally {
      await stopBoss(5_000);
    }
    expect(row).toMatchObject({
      state: "stored",
      mimeType: "image/jpeg",
      fileSize: bytes.length,
      error: null,
    });
    expect(row.storageKey).toBe(`s3:${row.id.slice(0, 2)}/${row.id}`);
    expect(await inBucket(row.storageKey!)).toBe(bytes.length);
    // Nothing went to local disk.
    await expect(fs.readdir(path.join(dataDir, "media"))).rejects.toMatchObject({ code: "ENOENT" });

    const res = await getRoute(row.id, await sessionCookie(teamId));
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "content-type": "image/jpeg",
      "content-length": String(bytes.length),
      "content-disposition": "inline",
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
    });
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("stores echo media too and serves a document as an attachment", async () => {
    const bytes = Buffer.from("%PDF-1.4 from the phone, in S3");
    const row = await receive(
      bytes,
      "application/pdf",
      (ref) => ({ type: "document", media: ref, filename: "Quote.pdf" }),
      { echo: true },
    );
    expect(await downloadMedia({ ctx, input: { mediaId: row.id } })).toEqual({ state: "stored" });
    const stored = await rowById(row.id);
    expect(await inBucket(stored.storageKey!)).toBe(bytes.length);
    const file = await getMediaFile({ ctx: { actor: agentOf(teamId) }, input: { id: row.id } });
    expect(file).toMatchObject({ mimeType: "application/pdf", filename: "Quote.pdf", inline: false });
    expect(file.size).toBe(bytes.length);
    expect((await buffer(file.stream)).equals(bytes)).toBe(true);
  });

  it("refuses actors outside the conversation's team, and requests without a session", async () => {
    const row = await receive(jpeg(512), "image/jpeg", (ref) => ({ type: "image", media: ref }));
    await downloadMedia({ ctx, input: { mediaId: row.id } });
    await expect(
      getMediaFile({ ctx: { actor: agentOf(otherTeamId) }, input: { id: row.id } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const outsider = await getRoute(row.id, await sessionCookie(otherTeamId));
    expect(outsider.status).toBe(404);
    expect(await outsider.json()).toEqual({ error: { code: "not_found", message: "Media not found" } });
    const anonymous = await getRoute(row.id);
    expect(anonymous.status).toBe(401);
    // The answers carry the bytes or an error, never a link to the bucket.
    for (const res of [outsider, anonymous]) expect(res.headers.get("location")).toBeNull();
  });

  it("a deleted object reads as media unavailable, never as a server error", async () => {
    const row = await receive(jpeg(256), "image/jpeg", (ref) => ({ type: "image", media: ref }));
    await downloadMedia({ ctx, input: { mediaId: row.id } });
    const { storageKey } = await rowById(row.id);
    const storage = getMediaStorage();
    expect(await storage.exists(storageKey!)).toBe(true);
    await storage.delete(storageKey!);
    await storage.delete(storageKey!);
    expect(await storage.exists(storageKey!)).toBe(false);
    expect(await inBucket(storageKey!)).toBeNull();

    const error = await getMediaFile({ ctx, input: { id: row.id } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaUnavailableError);
    expect((error as Error).message).toBe("Media unavailable: the stored file is missing");
    const res = await getRoute(row.id, await sessionCookie(teamId));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: "media_unavailable",
        message: "Media unavailable: the stored file is missing",
        state: "missing",
      },
    });
  });

  it("retention purge deletes the objects of purged messages from the bucket", async () => {
    const old = await receive(jpeg(300), "image/jpeg", (ref) => ({ type: "image", media: ref }), {
      secondsAgo: 3 * 86_400,
    });
    await downloadMedia({ ctx, input: { mediaId: old.id } });
    const { storageKey } = await rowById(old.id);
    expect(await inBucket(storageKey!)).toBe(306);
    await setNumberRetention({ ctx, input: { numberId, days: 1 } });
    try {
      const [result] = await purgeExpired({ ctx });
      expect(result?.files).toBeGreaterThanOrEqual(1);
    } finally {
      await setNumberRetention({ ctx, input: { numberId, days: null } });
    }
    expect(await inBucket(storageKey!)).toBeNull();
  });

  it("keeps reading files stored on local disk before S3 was configured", async () => {
    const key = "5e/5e000000-0000-4000-8000-000000000005";
    await diskStorage(path.join(dataDir, "media")).put(key, Buffer.from("older file"), { contentType: null });
    const object = await getMediaStorage().open(key);
    expect((await buffer(object.stream)).toString()).toBe("older file");
    // New keys name the bucket's store.
    expect(storageKeyFor("5e000000-0000-4000-8000-000000000006")).toBe(
      "s3:5e/5e000000-0000-4000-8000-000000000006",
    );
  });
});

describe("outbound uploads in S3", () => {
  const upload = (cookie: string, body: Readable, type: string, filename: string) =>
    uploadRoute(
      new NextRequest(`http://localhost/api/v1/uploads?filename=${filename}`, {
        method: "POST",
        headers: { cookie, "content-type": type },
        body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
        // Node's fetch needs this for a stream body; the DOM RequestInit type does not list it.
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]),
      { params: Promise.resolve({}) },
    );
  const storageKeyOfUpload = async (id: string) => {
    const [row] = await getDb().execute<{ storage_key: string }>(
      sql`select storage_key from outbound_uploads where id = ${id}`,
    );
    return row?.storage_key;
  };
  const objectKeys = async () => {
    const client = bucketClient();
    try {
      const list = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      return (list.Contents ?? []).map((o) => o.Key).sort();
    } finally {
      client.destroy();
    }
  };
  /** `total` bytes in 1 MiB chunks, so the store sees a stream of unknown length. */
  const chunks = (total: number, fill: number) =>
    Readable.from(
      (function* () {
        for (let sent = 0; sent < total; sent += MB) yield Buffer.alloc(Math.min(MB, total - sent), fill);
      })(),
    );

  it("streams a file larger than one part into the bucket (multipart)", async () => {
    const cookie = await sessionCookie(teamId);
    const size = 9 * MB + 123;
    s3Calls.length = 0;
    const res = await upload(cookie, chunks(size, 3), "application/pdf", "big.pdf");
    expect(res.status).toBe(200);
    expect(s3Calls).toEqual([
      "POST uploads",
      "PUT partNumber,uploadId",
      "PUT partNumber,uploadId",
      "POST uploadId",
    ]);
    const dto = (await res.json()) as { id: string; size: number };
    expect(dto.size).toBe(size);
    const key = await storageKeyOfUpload(dto.id);
    expect(await inBucket(key!)).toBe(size);
    const object = await getMediaStorage().open(key!);
    expect(object).toMatchObject({ size, contentType: "application/pdf" });
    const back = await buffer(object.stream);
    expect(back.length === size && back.every((b) => b === 3)).toBe(true);
  });

  it("refuses an oversized stream with 413 and leaves no object, even after parts were uploaded", async () => {
    const cookie = await sessionCookie(teamId);
    const before = await objectKeys();
    s3Calls.length = 0;
    // Video is capped at 16 MB: two 8 MiB parts go up before the cap trips, then the upload is aborted.
    const res = await upload(cookie, chunks(17 * MB, 4), "video/mp4", "long.mp4");
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    // s3rver does not implement AbortMultipartUpload; that the store asked is what matters here.
    expect(s3Calls).toEqual([
      "POST uploads",
      "PUT partNumber,uploadId",
      "PUT partNumber,uploadId",
      "DELETE uploadId",
    ]);
    expect(await objectKeys()).toEqual(before);
  });
});

describe("S3 store errors", () => {
  it("a failed source stream leaves nothing and surfaces its own error", async () => {
    const store = s3Storage({
      bucket: BUCKET,
      endpoint: s3Url,
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    const failing = new Readable({
      read() {
        this.push(Buffer.from("partial"));
        this.destroy(new Error("cut off"));
      },
    });
    await expect(store.put("ff/failed", failing, { contentType: null })).rejects.toThrow("cut off");
    expect(await store.exists("ff/failed")).toBe(false);
    await expect(store.open("ff/failed")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("a key in S3 with the bucket no longer configured is a clear configuration error", async () => {
    // Empty counts as unset (lib/env.js), so this removes the bucket for the length of the test.
    setRuntimeEnv({ S3_BUCKET: "", MEDIA_STORAGE: "local" });
    try {
      expect(storageKeyFor("7a000000-0000-4000-8000-000000000007")).toBe(
        "7a/7a000000-0000-4000-8000-000000000007",
      );
      const error = await getMediaStorage()
        .open("s3:7a/7a000000-0000-4000-8000-000000000007")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({
        retryable: false,
        message: expect.stringContaining("S3_BUCKET is not set"),
      });
    } finally {
      setRuntimeEnv({ S3_BUCKET: BUCKET, MEDIA_STORAGE: "s3" });
    }
  });

  it("a missing bucket is a storage failure, not a missing file", async () => {
    const store = s3Storage({
      bucket: "no-such-bucket",
      endpoint: s3Url,
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    await expect(store.open("aa/whatever")).rejects.toBeInstanceOf(UpstreamError);
    await expect(store.put("aa/whatever", Buffer.from("x"), { contentType: null })).rejects.toBeInstanceOf(
      UpstreamError,
    );
  });

  it("an unreachable store is a retryable upstream failure, not a missing file", async () => {
    const store = s3Storage({
      bucket: BUCKET,
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: "us-east-1",
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
    const error = await store.open("aa/whatever").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/^Media storage could not read aa\/whatever/);
  });
});
