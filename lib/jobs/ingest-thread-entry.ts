// Entry of the ingest worker thread (lib/jobs/ingest-thread.ts): the lanes that apply stored webhooks, with
// their own pools and a pg-boss handle for the jobs they enqueue. Webhooks stored by the main thread wake
// them by NOTIFY, as those of a web-only process do.
import fs from "node:fs";
import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { closeDb } from "@/lib/db/client";
import { isDatabaseConnectionError } from "@/lib/runtime/db-errors";
import { startBoss, stopBoss } from "./boss";
import { startIngestDrain, stopIngestDrain } from "./ingest-drain";

// As server.ts: a lost database connection is survivable (the pools reconnect), anything else ends the thread
// with an error, and the main thread then ends the process.
process.on("unhandledRejection", (reason) => {
  if (isDatabaseConnectionError(reason)) {
    console.warn(`[ingest] unhandled rejection: database connection lost; continuing`);
    return;
  }
  throw reason;
});

// Linux keeps a nice value per thread: setpriority on this thread's id lowers it alone, not the process.
const nice = (workerData as { nice?: number } | null)?.nice;
if (nice !== undefined) {
  try {
    os.setPriority(Number(fs.readlinkSync("/proc/thread-self").split("/").pop()), nice);
  } catch (error) {
    console.warn(`[ingest] could not lower the thread's CPU priority: ${(error as Error).message}`);
  }
}

await startBoss({ worker: false });
startIngestDrain();
parentPort?.once("message", () => {
  void (async () => {
    await stopIngestDrain();
    await stopBoss(2_000).catch(() => {});
    await closeDb();
    process.exit(0);
  })();
});
parentPort?.postMessage("ready");
