// Entry of the ingest worker thread (lib/jobs/ingest-thread.ts): the lanes that apply stored webhooks, with
// their own pools and a pg-boss handle for the jobs they enqueue. Webhooks stored by the main thread wake
// them by NOTIFY, as those of a web-only process do.
import { parentPort } from "node:worker_threads";
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
