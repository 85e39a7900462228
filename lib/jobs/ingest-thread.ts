import { once } from "node:events";
import { Worker } from "node:worker_threads";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 8_000;
/** Node's PRIORITY_BELOW_NORMAL: against a busy thread at nice 0 it gets about a tenth of a core. */
const INGEST_THREAD_NICE = 10;

/**
 * Runs the ingest lanes on a worker thread. A process that also serves HTTP (ROLE=all) would otherwise
 * apply webhooks on the event loop that acknowledges them: at a few hundred webhooks a second the two
 * starve each other and apply lag grows (BENCHMARKS.md T3), while a second core stays idle. The thread
 * has its own pools; it inherits this process's environment (DATABASE_URL and secrets set at start-up).
 * If it dies, the process exits so its supervisor restarts it, as for an unhandled error on the main thread.
 */
export async function startIngestThread(
  log: (line: string) => void,
  /** Run the thread at INGEST_THREAD_NICE (Linux: nice is per thread), below the process's other work. */
  opts: { lowPriority?: boolean } = {},
): Promise<() => Promise<void>> {
  const worker = new Worker(new URL("./ingest-thread-boot.mjs", import.meta.url), {
    workerData: {
      entry: new URL("./ingest-thread-entry.ts", import.meta.url).href,
      nice: opts.lowPriority ? INGEST_THREAD_NICE : undefined,
    },
  });
  let stopping = false;
  worker.on("error", (error) => log(`[ingest] thread failed: ${error.stack ?? error.message}`));
  worker.on("exit", (code) => {
    if (stopping) return;
    log(`[ingest] thread exited (code ${code}); exiting so the process is restarted`);
    process.exit(1);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("ingest thread did not start")), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([once(worker, "message"), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return async () => {
    stopping = true;
    const exited = once(worker, "exit");
    worker.postMessage("stop");
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
}
