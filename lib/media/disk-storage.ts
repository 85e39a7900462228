import crypto from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NotFoundError } from "@/lib/errors";
import type { MediaStorage } from "./storage";

/** Files under `root`, readable by this user only (media are customers' private messages). */
export function diskStorage(root: string): MediaStorage {
  const fileOf = (key: string) => {
    if (!/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/.test(key) || key.includes(".."))
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path.join(root, key);
  };
  const storage: MediaStorage = {
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
    async open(key) {
      const file = fileOf(key);
      try {
        const handle = await fs.open(file, "r");
        const { size } = await handle.stat().catch(async (error: unknown) => {
          await handle.close();
          throw error;
        });
        // The type lives in the media row; the disk keeps bytes only.
        return { stream: handle.createReadStream(), size, contentType: null };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("Media file");
        throw error;
      }
    },
    async get(key) {
      return (await storage.open(key)).stream;
    },
    async exists(key) {
      return fs.stat(fileOf(key)).then(
        (stat) => stat.isFile(),
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return false;
          throw error;
        },
      );
    },
    async delete(key) {
      await fs.rm(fileOf(key), { force: true });
    },
  };
  return storage;
}
