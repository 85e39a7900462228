import crypto from "node:crypto";
import fs from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { listMessages } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { media, messages } from "@/lib/db/schema";
import { setRuntimeEnv } from "@/lib/env.js";
import { NotFoundError, UpstreamError } from "@/lib/errors";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { createQueues, registry, startWorkers } from "@/lib/jobs/registry";
import { addNumber } from "@/lib/numbers";
import * as meta from "@/lib/simulator/payloads";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import { metaJson } from "@/lib/simulator/sign";
import { createTeam } from "@/lib/teams";
import { GET as getMediaRoute } from "@/app/api/v1/media/[id]/route";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import {
  downloadMedia,
  findPendingMedia,
  getMediaFile,
  MEDIA_DOWNLOAD_ATTEMPTS,
  MediaUnavailableError,
} from "./index";

useTestDatabase();
const ctx = { actor: systemActor("test") };
const biz: meta.Biz = {
  wabaId: "400000000000077",
  phoneNumberId: "140000000000077",
  displayNumber: "15550140077",
};
const person: meta.Person = { name: "Media Person", phone: "447700900777", bsuid: "GB.777000111222" };
const MB = 1024 * 1024;

let sim: Simulator;
let dataDir: string;
let teamId: string;
let otherTeamId: string;
let seq = 0;
const wamid = () => `wamid.media${Date.now().toString(36)}${(seq++).toString(36)}`;
const ts = (secondsAgo = 0) => String(Math.floor(Date.now() / 1000) - secondsAgo);

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "tandem-media-"));
  sim = await startSimulator({
    port: 0,
    appWebhookUrl: "http://127.0.0.1:9/unused",
    appSecret: "unused-secret-0123",
    accessToken: "simulator-token",
    numbers: [{ ...biz, coexistence: true }],
    log: () => {},
  });
  setRuntimeEnv({ GRAPH_API_BASE: sim.url, DATA_DIR: dataDir });
  const team = await createTeam({ ctx, input: { name: "Media team" } });
  const other = await createTeam({ ctx, input: { name: "Other team" } });
  teamId = team.id;
  otherTeamId = other.id;
  await addNumber({
    ctx,
    input: { ...biz, displayNumber: "+1 555 014 0077", coexistence: true, defaultTeamId: teamId },
  });
});

afterAll(async () => {
  await sim?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Stores a file in the simulator as Meta would hold it, and the webhook content that refers to it. */
function simMedia(bytes: Buffer, mimeType: string) {
  const item = sim.state.storeMedia(bytes, mimeType);
  return { item, ref: { id: item.id, mimeType: item.mimeType, sha256: item.sha256B64 } };
}

async function ingest(envelope: unknown) {
  const eventId = await storeWebhookEvent(Buffer.from(metaJson(envelope)));
  return applyWebhookEvent({ ctx, input: { eventId } });
}

/** Ingests an inbound message with this content and returns its media row (created by ingestion). */
async function receive(content: meta.Content) {
  const id = wamid();
  await ingest(meta.inboundMessage(biz, person, { id, timestamp: ts(), content }));
  return mediaOf(id);
}

async function mediaOf(messageWamid: string) {
  const [row] = await getDb()
    .select({ media, conversationId: messages.conversationId })
    .from(messages)
    .leftJoin(media, eq(media.messageId, messages.id))
    .where(eq(messages.wamid, messageWamid));
  return row;
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

/** A Graph front that answers 5xx to the first `failures` requests, then passes through to the simulator. */
async function flakyGraph(failures: number): Promise<{ url: string; close: () => Promise<void> }> {
  let left = failures;
  const server: Server = createServer(async (req, res) => {
    if (left-- > 0) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Service unavailable", code: 2, is_transient: true } }));
      return;
    }
    const upstream = await fetch(`${sim.url}${req.url}`, {
      headers: { authorization: req.headers.authorization ?? "" },
    });
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
    });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function withGraphBase<T>(url: string, run: () => Promise<T>): Promise<T> {
  setRuntimeEnv({ GRAPH_API_BASE: url });
  try {
    return await run();
  } finally {
    setRuntimeEnv({ GRAPH_API_BASE: sim.url });
  }
}

describe("inbound media", () => {
  it("downloads, verifies, stores and serves an inbound image", async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      crypto.randomBytes(4096),
      Buffer.from([0xff, 0xd9]),
    ]);
    const { ref } = simMedia(bytes, "image/jpeg");
    const received = await receive({ type: "image", media: ref, caption: "look" });
    expect(received?.media).toMatchObject({
      state: "pending",
      metaMediaId: ref.id,
      sha256: ref.sha256,
      attempts: 0,
    });

    const mediaId = received!.media!.id;
    expect(await findPendingMedia({ ctx, input: { olderThanMs: 0, limit: 10 } })).toContain(mediaId);
    expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "stored" });

    const row = await rowById(mediaId);
    expect(row).toMatchObject({
      state: "stored",
      mimeType: "image/jpeg",
      fileSize: bytes.length,
      attempts: 1,
      error: null,
    });
    expect(row.storedAt).toBeInstanceOf(Date);
    const onDisk = path.join(dataDir, "media", row.storageKey!);
    expect(
      crypto
        .createHash("sha256")
        .update(await fs.readFile(onDisk))
        .digest("base64"),
    ).toBe(ref.sha256);
    expect((await fs.stat(onDisk)).mode & 0o077).toBe(0);

    const file = await getMediaFile({ ctx: { actor: agentOf(teamId) }, input: { id: mediaId } });
    expect(file).toMatchObject({ mimeType: "image/jpeg", size: bytes.length, inline: true });
    expect((await buffer(file.stream)).equals(bytes)).toBe(true);

    // Settled rows are left alone; the sweep no longer sees them.
    expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "stored" });
    expect(await findPendingMedia({ ctx, input: { olderThanMs: 0, limit: 10 } })).not.toContain(mediaId);

    const page = await listMessages({ ctx, input: { conversationId: received!.conversationId } });
    const dto = page.data.find((m) => m.media?.id === mediaId);
    expect(dto?.media).toEqual({
      id: mediaId,
      state: "stored",
      mime_type: "image/jpeg",
      size: bytes.length,
      filename: null,
      error: null,
      url: `/api/v1/media/${mediaId}`,
    });
  });

  it("keeps a document's filename and serves it as an attachment; echoes get media too", async () => {
    const bytes = Buffer.from("%PDF-1.4 simulated");
    const { ref } = simMedia(bytes, "application/pdf");
    const id = wamid();
    await ingest(
      meta.messageEcho(biz, person, {
        id,
        timestamp: ts(),
        content: { type: "document", media: ref, filename: "Invoice №7.pdf" },
      }),
    );
    const received = await mediaOf(id);
    await downloadMedia({ ctx, input: { mediaId: received!.media!.id } });
    const file = await getMediaFile({ ctx, input: { id: received!.media!.id } });
    expect(file).toMatchObject({ mimeType: "application/pdf", filename: "Invoice №7.pdf", inline: false });
    expect((await buffer(file.stream)).equals(bytes)).toBe(true);
  });

  it("marks an image over 5 MB too_large without storing it", async () => {
    const { ref } = simMedia(Buffer.alloc(5 * MB + 1, 1), "image/jpeg");
    const received = await receive({ type: "image", media: ref });
    const mediaId = received!.media!.id;
    expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "too_large" });
    const row = await rowById(mediaId);
    expect(row).toMatchObject({ state: "too_large", storageKey: null, fileSize: 5 * MB + 1 });
    expect(row.error).toMatch(/5 MB limit for image/);
    await expect(getMediaFile({ ctx, input: { id: mediaId } })).rejects.toThrow(/Media unavailable: .*5 MB/);
  });

  it("refuses a type that is not allowed for the kind", async () => {
    const { ref } = simMedia(Buffer.from("<svg onload=alert(1)>"), "image/svg+xml");
    const received = await receive({ type: "image", media: ref });
    expect(await downloadMedia({ ctx, input: { mediaId: received!.media!.id } })).toEqual({
      state: "unavailable",
    });
    expect((await rowById(received!.media!.id)).error).toBe(
      "image/svg+xml is not accepted for image messages",
    );
  });

  it("retries a Graph 5xx, then stores", async () => {
    const bytes = Buffer.from("video bytes");
    const { ref } = simMedia(bytes, "video/mp4");
    const received = await receive({ type: "video", media: ref });
    const mediaId = received!.media!.id;
    const flaky = await flakyGraph(1);
    try {
      await withGraphBase(flaky.url, async () => {
        const first = await downloadMedia({ ctx, input: { mediaId } }).catch((e: unknown) => e);
        expect(first).toBeInstanceOf(UpstreamError);
        expect((first as UpstreamError).retryable).toBe(true);
        expect(await rowById(mediaId)).toMatchObject({ state: "pending", attempts: 1 });
        expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "stored" });
      });
    } finally {
      await flaky.close();
    }
    expect(await rowById(mediaId)).toMatchObject({ state: "stored", attempts: 2 });
  });

  it("gives up after the last attempt with a plain reason", async () => {
    const { ref } = simMedia(Buffer.from("audio"), "audio/mpeg");
    const received = await receive({ type: "audio", media: ref, voice: false });
    const mediaId = received!.media!.id;
    const flaky = await flakyGraph(1_000);
    try {
      await withGraphBase(flaky.url, async () => {
        for (let i = 1; i < MEDIA_DOWNLOAD_ATTEMPTS; i++)
          await expect(downloadMedia({ ctx, input: { mediaId } })).rejects.toBeInstanceOf(UpstreamError);
        expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "unavailable" });
      });
    } finally {
      await flaky.close();
    }
    const row = await rowById(mediaId);
    expect(row).toMatchObject({ state: "unavailable", attempts: MEDIA_DOWNLOAD_ATTEMPTS });
    expect(row.error).toMatch(new RegExp(`^Download failed ${MEDIA_DOWNLOAD_ATTEMPTS} times`));
  });

  it("marks unknown or expired media unavailable at once, and says why", async () => {
    const received = await receive({
      type: "image",
      media: {
        id: "999000111222333",
        mimeType: "image/jpeg",
        sha256: crypto.randomBytes(32).toString("base64"),
      },
    });
    const mediaId = received!.media!.id;
    expect(await downloadMedia({ ctx, input: { mediaId } })).toEqual({ state: "unavailable" });
    const row = await rowById(mediaId);
    expect(row).toMatchObject({ state: "unavailable", attempts: 1 });
    expect(row.error).toBe("WhatsApp no longer has this file (media ids expire after 7 days)");
    const error = await getMediaFile({ ctx, input: { id: mediaId } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaUnavailableError);
    expect(error).toMatchObject({ status: 404, code: "media_unavailable" });
    expect((error as Error).message).toContain("no longer has this file");
  });

  it("explains that pending media is still downloading", async () => {
    const { ref } = simMedia(Buffer.from("sticker"), "image/webp");
    const received = await receive({ type: "sticker", media: ref, animated: false });
    await expect(getMediaFile({ ctx, input: { id: received!.media!.id } })).rejects.toThrow(
      "Media unavailable: the file is still being downloaded",
    );
  });
});

describe("authorization", () => {
  it("hides media of conversations outside the actor's scope as not found", async () => {
    const { ref } = simMedia(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg");
    const received = await receive({ type: "image", media: ref });
    const mediaId = received!.media!.id;
    await downloadMedia({ ctx, input: { mediaId } });
    await expect(
      getMediaFile({ ctx: { actor: agentOf(otherTeamId) }, input: { id: mediaId } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getMediaFile({ ctx: { actor: agentOf(otherTeamId) }, input: { id: mediaId } }),
    ).rejects.toThrow("Media not found");
    await expect(
      getMediaFile({ ctx: { actor: agentOf(teamId) }, input: { id: "not-a-uuid" } }),
    ).rejects.toThrow("Media not found");
    const file = await getMediaFile({ ctx: { actor: agentOf(teamId) }, input: { id: mediaId } });
    file.stream.destroy();
  });
});

describe("GET /api/v1/media/:id", () => {
  const sessionCookie = (team: string) => cookieForNewUser("agent", { teamIds: [team] });
  const call = (id: string, cookie: string) =>
    getMediaRoute(new NextRequest(`http://localhost/api/v1/media/${id}`, { headers: { cookie } }), {
      params: Promise.resolve({ id }),
    });

  it("streams the file with safe headers to the team, and 404s elsewhere", async () => {
    const bytes = Buffer.from("%PDF-1.4 route");
    const { ref } = simMedia(bytes, "application/pdf");
    const id = wamid();
    await ingest(
      meta.inboundMessage(biz, person, {
        id,
        timestamp: ts(),
        content: { type: "document", media: ref, filename: 'Quote "final".pdf' },
      }),
    );
    const mediaId = (await mediaOf(id))!.media!.id;
    await downloadMedia({ ctx, input: { mediaId } });

    const res = await call(mediaId, await sessionCookie(teamId));
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="Quote _final_.pdf"; filename*=UTF-8''Quote%20%22final%22.pdf`,
      "cache-control": "private, max-age=3600",
      "x-content-type-options": "nosniff",
      "content-length": String(bytes.length),
    });
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    const outsider = await call(mediaId, await sessionCookie(otherTeamId));
    expect(outsider.status).toBe(404);
    expect(await outsider.json()).toEqual({ error: { code: "not_found", message: "Media not found" } });
  });

  it("answers 404 with the reason when the media is not stored", async () => {
    const received = await receive({
      type: "image",
      media: {
        id: "999000111222444",
        mimeType: "image/jpeg",
        sha256: crypto.randomBytes(32).toString("base64"),
      },
    });
    await downloadMedia({ ctx, input: { mediaId: received!.media!.id } });
    const res = await call(received!.media!.id, await sessionCookie(teamId));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: "media_unavailable",
        message: "Media unavailable: WhatsApp no longer has this file (media ids expire after 7 days)",
        state: "unavailable",
      },
    });
  });
});

describe("history media", () => {
  it("gets a media row for the last 14 days only; older placeholders stay placeholders", async () => {
    const recent = { id: wamid(), timestamp: ts(2 * 86_400) };
    const old = { id: wamid(), timestamp: ts(20 * 86_400) };
    await ingest(
      meta.historyChunk(biz, {
        phase: 1,
        chunkOrder: 1,
        progress: 50,
        threads: [
          {
            person,
            messages: [
              { ...recent, direction: "inbound", status: "READ" },
              { ...old, direction: "inbound", status: "READ" },
            ],
          },
        ],
      }),
    );
    expect((await mediaOf(recent.id))?.media).toBeNull();

    for (const m of [recent, old]) {
      const { ref } = simMedia(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg");
      await ingest(
        meta.historyMedia(biz, person, {
          ...m,
          direction: "inbound",
          content: { type: "image", media: ref },
        }),
      );
    }
    expect((await mediaOf(recent.id))?.media).toMatchObject({ state: "pending" });
    expect((await mediaOf(old.id))?.media).toBeNull();
  });

  it("adds no second row when the same media webhook is delivered again", async () => {
    const { ref } = simMedia(Buffer.from([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg");
    const id = wamid();
    const envelope = meta.inboundMessage(biz, person, {
      id,
      timestamp: ts(),
      content: { type: "image", media: ref },
    });
    await ingest(envelope);
    await ingest(envelope);
    const rows = await getDb()
      .select({ id: media.id })
      .from(media)
      .innerJoin(messages, eq(messages.id, media.messageId))
      .where(eq(messages.wamid, id));
    expect(rows).toHaveLength(1);
  });
});

describe("jobs", () => {
  it("downloads through the media.download queue, and the sweep picks up rows left pending", async () => {
    const left = await findPendingMedia({ ctx, input: { olderThanMs: 0, limit: 100 } });
    expect(left.length).toBeGreaterThan(0);
    const boss = await startBoss({ worker: true });
    try {
      await createQueues(boss);
      await startWorkers(boss);
      const { ref } = simMedia(Buffer.from([0xff, 0xd8, 0x00, 0xff, 0xd9]), "image/jpeg");
      const received = await receive({ type: "image", media: ref });
      await registry[queues.mediaRecover].handle({ olderThanMs: 0 });
      const ids = [...left, received!.media!.id];
      await expect
        .poll(async () => (await Promise.all(ids.map(rowById))).filter((r) => r.state === "pending").length, {
          timeout: 20_000,
          interval: 200,
        })
        .toBe(0);
      expect((await rowById(received!.media!.id)).state).toBe("stored");
    } finally {
      await stopBoss(5_000);
    }
  });
});
