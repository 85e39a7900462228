import PgBoss from "pg-boss";
import { databaseUrl, getSql } from "@/lib/db/client";
import { getEnv } from "@/lib/env.js";
import type { QueueName } from "./queues";

type Handle = { boss: PgBoss; url: string; workers: Map<string, string[]> };
// Shared through globalThis so route handlers in Next's module graph send through the instance server.ts started.
const globalKey = Symbol.for("tandem.jobs.boss");
const store = globalThis as unknown as { [globalKey]?: Handle };

export const JOBS_MAINTENANCE_INTERVAL_SECONDS = 30;

/** Starts pg-boss. Only worker processes supervise and run schedules; web processes just send. */
export async function startBoss(options: { worker: boolean }): Promise<PgBoss> {
  const existing = store[globalKey];
  if (existing) return existing.boss;
  const url = databaseUrl();
  const env = getEnv();
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    application_name: options.worker ? "tandem-worker" : "tandem-web",
    supervise: options.worker,
    schedule: options.worker,
    // How soon a job whose worker died (kill -9, OOM) is retried after its expiry: 120 s by default. One
    // process per interval does it (pg-boss takes turns through a row), so a shorter interval costs little.
    maintenanceIntervalSeconds: JOBS_MAINTENANCE_INTERVAL_SECONDS,
    // Completed jobs move to the archive after an hour (the job table every fetch scans stays small) and are
    // deleted from it a day later (default): both tables stay bounded (BENCHMARKS.md R19).
    archiveCompletedAfterSeconds: env.JOBS_ARCHIVE_AFTER_SECONDS,
    deleteAfterSeconds: env.JOBS_DELETE_AFTER_SECONDS,
  });
  boss.on("error", (error) => console.error(`[jobs] ${error.message}`));
  await boss.start();
  store[globalKey] = { boss, url, workers: new Map() };
  return boss;
}

export function getBoss(): PgBoss | undefined {
  return store[globalKey]?.boss;
}

export async function enqueue(
  name: QueueName,
  data: object,
  options?: PgBoss.SendOptions,
): Promise<string | null> {
  const boss = getBoss();
  if (!boss) throw new Error("job queue is not started in this process");
  const id = await boss.send(name, data, options ?? {});
  const delayed = options?.startAfter !== undefined;
  if (!delayed) wakeWorkers(name);
  // Workers in other processes would otherwise find it only at their next poll (up to 0.5 s, T5d).
  if (!delayed && !store[globalKey]?.workers.get(name)?.length)
    await getSql()
      .notify(JOBS_CHANNEL, name)
      .catch(() => {});
  return id;
}

const JOBS_CHANNEL = "tandem_jobs";

/** Worker processes wake their local workers when another process enqueues (see `enqueue`). */
export async function listenForJobs(): Promise<() => Promise<void>> {
  const subscription = await getSql().listen(JOBS_CHANNEL, (queue) => wakeWorkers(queue as QueueName));
  return () => subscription.unlisten();
}

/** Remembers this process's workers for a queue, so new work can wake them instead of waiting a poll. */
export function registerWorkers(name: QueueName, workerIds: string[]): void {
  store[globalKey]?.workers.set(name, workerIds);
}

/** Skips the polling delay of local workers (pg-boss polls; other processes still pick work up by polling). */
export function wakeWorkers(name: QueueName): void {
  const handle = store[globalKey];
  for (const id of handle?.workers.get(name) ?? []) handle?.boss.notifyWorker(id);
}

/** Stops taking new jobs and waits (bounded) for running ones: part of graceful shutdown. */
export async function stopBoss(timeoutMs: number): Promise<void> {
  const current = store[globalKey];
  if (!current) return;
  // Running jobs may still enqueue follow-ups while they drain, so the handle goes only after stop.
  await current.boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
  delete store[globalKey];
}
