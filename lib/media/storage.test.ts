import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { NotFoundError } from "@/lib/errors";
import { isAllowedMimeType, MEDIA_LIMITS } from "./limits";
import { diskStorage } from "./disk-storage";
import { storageKeyFor } from "./storage";

const root = await fs.mkdtemp(path.join(os.tmpdir(), "tandem-storage-"));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe("disk storage", () => {
  const storage = diskStorage(root);

  it("stores, reads back and deletes, owner-only", async () => {
    const key = storageKeyFor("0b6a6f6e-1111-4222-8333-444455556666");
    expect(key).toBe("0b/0b6a6f6e-1111-4222-8333-444455556666");
    expect(await storage.put(key, Buffer.from("bytes"), { contentType: "text/plain" })).toEqual({ size: 5 });
    expect((await buffer(await storage.get(key))).toString()).toBe("bytes");
    expect((await fs.stat(path.join(root, key))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(root, "0b"))).mode & 0o777).toBe(0o700);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("opens with the size, says whether a key exists, and deletes twice without error", async () => {
    const key = "1c/1c000000-0000-4000-8000-000000000001";
    expect(await storage.exists(key)).toBe(false);
    const bytes = Buffer.alloc(70_000, 7);
    // Keys written before the storage interface are plain paths under the root: they must keep reading.
    await fs.mkdir(path.join(root, "1c"), { recursive: true });
    await fs.writeFile(path.join(root, key), bytes);
    expect(await storage.exists(key)).toBe(true);
    const object = await storage.open(key);
    expect(object).toMatchObject({ size: bytes.length, contentType: null });
    expect((await buffer(object.stream)).equals(bytes)).toBe(true);
    await storage.delete(key);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    await expect(storage.open(key)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("stores a stream as it arrives", async () => {
    const key = "2d/streamed";
    const chunks = [Buffer.from("one "), Buffer.from("two "), Buffer.from("three")];
    expect(await storage.put(key, Readable.from(chunks), { contentType: "text/plain" })).toEqual({
      size: 13,
    });
    expect((await buffer(await storage.get(key))).toString()).toBe("one two three");
  });

  it("leaves nothing behind when the stream fails", async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from("partial"));
        this.destroy(new Error("cut off"));
      },
    });
    await expect(storage.put("ff/failed", failing, { contentType: null })).rejects.toThrow("cut off");
    expect(await fs.readdir(path.join(root, "ff"))).toEqual([]);
  });

  it("refuses keys that could escape the root", async () => {
    for (const key of ["../etc/passwd", "/abs", "a/../../b", ""])
      await expect(storage.put(key, Buffer.from("x"), { contentType: null })).rejects.toThrow(
        "invalid storage key",
      );
  });
});

describe("media limits", () => {
  it("allows the kind's types only, ignoring parameters", () => {
    expect(isAllowedMimeType("audio", "audio/ogg; codecs=opus")).toBe(true);
    expect(isAllowedMimeType("image", "image/svg+xml")).toBe(false);
    expect(isAllowedMimeType("sticker", "image/jpeg")).toBe(false);
    expect(MEDIA_LIMITS.sticker.maxBytes).toBe(500 * 1024);
    expect(MEDIA_LIMITS.document.maxBytes).toBe(100 * 1024 * 1024);
  });
});
