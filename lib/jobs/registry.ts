import type PgBoss from "pg-boss";
import { z } from "zod";
import { systemActor } from "@/lib/auth/actor";
import { botReplyTimedOut, runBot } from "@/lib/bots";
import { runCampaign, scheduleCampaignRun, tickCampaigns } from "@/lib/campaigns";
import { sendCsatSurvey } from "@/lib/csat";
import { autoResolveInactive, wakeSnoozedConversations } from "@/lib/conversations";
import { markAbsentAway, routeAllTeams } from "@/lib/routing";
import { rollupMessageVolume } from "@/lib/reports";
import { getEnv } from "@/lib/env.js";
import {
  purgeExpired,
  purgeWebhookEvents,
  pruneSendRateLimits,
  pruneSignInAttempts,
  pruneWebhookDeliveries,
} from "@/lib/retention";
import { recordSlaBreaches } from "@/lib/sla";
import { NonRetryableError } from "@/lib/errors";
import { downloadMedia, findPendingMedia, MEDIA_DOWNLOAD_ATTEMPTS } from "@/lib/media";
import { deliverMessage, markReadOnWhatsApp } from "@/lib/messaging";
import { enqueue, registerWorkers, wakeWorkers } from "./boss";
import { queues, type QueueName } from "./queues";

type Definition = {
  queue: PgBoss.Queue;
  /** Parallel work() loops in one worker process. */
  workers: number;
  batchSize: number;
  /** A thin adapter: parse the payload, act as the system, call one verb. */
  handle: (data: unknown) => Promise<void>;
};

const messageIdPayload = z.object({ messageId: z.uuid() });
const markReadPayload = z.object({ conversationId: z.uuid(), typing: z.boolean().default(false) });
const mediaIdPayload = z.object({ mediaId: z.uuid() });
const campaignIdPayload = z.object({ campaignId: z.uuid() });
const conversationIdPayload = z.object({ conversationId: z.uuid() });
const cycleIdPayload = z.object({ cycleId: z.uuid() });
// How soon a campaign's next step runs: at once after a full batch, shortly when the send queue is
// still busy with its messages, and every few seconds while its progress is still moving.
const CAMPAIGN_NEXT_MS = { continue: 0, wait: 1_000, watch: 3_000 } as const;
// Pending media younger than this still has its own job (or its retries) on the way.
const mediaRecoverPayload = z.object({ olderThanMs: z.number().int().nonnegative().default(120_000) });

export const registry: Record<QueueName, Definition> = {
  [queues.messageSend]: {
    // The outbound_sends row carries attempts and backoff; pg-boss retries only our own crashes (DB errors).
    queue: {
      name: queues.messageSend,
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: 120,
    },
    workers: 2,
    batchSize: 8,
    handle: async (data) => {
      const input = parsePayload(messageIdPayload, data);
      await deliverMessage({ ctx: { actor: systemActor("send") }, input });
    },
  },
  [queues.messageMarkRead]: {
    // Read receipts are a courtesy: a few quick retries, then dropped.
    queue: { name: queues.messageMarkRead, retryLimit: 2, retryDelay: 2, expireInSeconds: 60 },
    workers: 1,
    batchSize: 8,
    handle: async (data) => {
      const input = parsePayload(markReadPayload, data);
      await markReadOnWhatsApp({ ctx: { actor: systemActor("send") }, input });
    },
  },
  [queues.mediaDownload]: {
    queue: {
      name: queues.mediaDownload,
      // The row counts attempts too and gives up on the last one; one queued job per media row.
      retryLimit: MEDIA_DOWNLOAD_ATTEMPTS - 1,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 600,
      policy: "stately",
    },
    workers: 2,
    batchSize: 4,
    handle: async (data) => {
      const input = parsePayload(mediaIdPayload, data);
      await downloadMedia({ ctx: { actor: systemActor("media") }, input });
    },
  },
  [queues.campaignRun]: {
    // One queued and one running step per campaign (stately, keyed by campaign id): steps never overlap
    // pile-up, and the campaign's lease keeps two processes from queuing the same batch.
    queue: {
      name: queues.campaignRun,
      policy: "stately",
      retryLimit: 5,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: 300,
    },
    workers: 1,
    batchSize: 4,
    handle: async (data) => {
      const { campaignId } = parsePayload(campaignIdPayload, data);
      const outcome = await runCampaign({ ctx: { actor: systemActor("campaign") }, input: { campaignId } });
      if (outcome.next !== "done") await scheduleCampaignRun(campaignId, CAMPAIGN_NEXT_MS[outcome.next]);
    },
  },
  [queues.campaignTick]: {
    queue: { name: queues.campaignTick, retryLimit: 0, expireInSeconds: 60 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      const { run } = await tickCampaigns({ ctx: { actor: systemActor("campaign-tick") } });
      for (const campaignId of run) await scheduleCampaignRun(campaignId);
    },
  },
  [queues.mediaRecover]: {
    queue: { name: queues.mediaRecover, retryLimit: 0, expireInSeconds: 60 },
    workers: 1,
    batchSize: 1,
    handle: async (data) => {
      const { olderThanMs } = parsePayload(mediaRecoverPayload, data ?? {});
      const ids = await findPendingMedia({
        ctx: { actor: systemActor("media-recovery") },
        input: { olderThanMs, limit: 1_000 },
      });
      for (const mediaId of ids) await enqueue(queues.mediaDownload, { mediaId }, { singletonKey: mediaId });
      if (ids.length > 0) console.log(`[jobs] re-enqueued ${ids.length} pending media downloads`);
    },
  },
  [queues.snoozeWake]: {
    queue: { name: queues.snoozeWake, retryLimit: 0, expireInSeconds: 60 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      // Up to 500 per run; a backlog larger than that is finished by the next runs a minute apart.
      await wakeSnoozedConversations({ ctx: { actor: systemActor("snooze") } });
    },
  },
  [queues.botStep]: {
    // One queued run per conversation (stately by singletonKey): bursts of messages coalesce into one run,
    // which reads every message the bot has not seen yet.
    queue: {
      name: queues.botStep,
      retryLimit: 3,
      retryDelay: 1,
      retryBackoff: true,
      expireInSeconds: 120,
      policy: "stately",
    },
    workers: 2,
    batchSize: 4,
    handle: async (data) => {
      const input = parsePayload(conversationIdPayload, data);
      await runBot({ ctx: { actor: systemActor("bot") }, input });
    },
  },
  [queues.botTimeout]: {
    queue: { name: queues.botTimeout, retryLimit: 2, expireInSeconds: 60 },
    workers: 1,
    batchSize: 4,
    handle: async (data) => {
      const input = parsePayload(conversationIdPayload, data);
      await botReplyTimedOut({ ctx: { actor: systemActor("bot") }, input });
    },
  },
  [queues.slaTick]: {
    queue: { name: queues.slaTick, retryLimit: 0, expireInSeconds: 60 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      await recordSlaBreaches({ ctx: { actor: systemActor("sla") } });
      const resolved = await autoResolveInactive({ ctx: { actor: systemActor("auto-resolve") } });
      if (resolved > 0) console.log(`[auto-resolve] resolved ${resolved} inactive conversations`);
    },
  },
  [queues.volumeRollup]: {
    queue: { name: queues.volumeRollup, retryLimit: 0, expireInSeconds: 300 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      await rollupMessageVolume({ ctx: { actor: systemActor("reports") } });
    },
  },
  [queues.retentionPurge]: {
    queue: { name: queues.retentionPurge, retryLimit: 1, expireInSeconds: 3600 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      const results = await purgeExpired({ ctx: { actor: systemActor("retention") } });
      for (const r of results)
        if (r.messages + r.notes > 0)
          console.log(
            `[retention] number ${r.number_id}: purged ${r.messages} messages, ${r.files} files, ${r.notes} notes`,
          );
    },
  },
  [queues.webhookEventsPurge]: {
    queue: { name: queues.webhookEventsPurge, retryLimit: 0, expireInSeconds: 600 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      const ctx = { actor: systemActor("retention") };
      const env = getEnv();
      const events = await purgeWebhookEvents({
        ctx,
        input: { olderThanHours: env.WEBHOOK_EVENTS_RETENTION_HOURS },
      });
      // Idle pair keys of the send limiter: a row minutes in the past is a full bucket, as no row is.
      const limits = await pruneSendRateLimits({ ctx, input: { idleMinutes: 10 } });
      const deliveries = await pruneWebhookDeliveries({
        ctx,
        input: { olderThanDays: env.WEBHOOK_DELIVERIES_RETENTION_DAYS },
      });
      const attempts = await pruneSignInAttempts({
        ctx,
        input: { olderThanDays: env.SIGN_IN_ATTEMPTS_RETENTION_DAYS },
      });
      if (events.deleted + limits + deliveries.deleted + attempts.deleted > 0)
        console.log(
          `[retention] purged ${events.deleted} webhook events received before ${events.cutoff} in ${events.batches} batches, ${limits} idle rate-limit keys, ` +
            `${deliveries.deleted} settled webhook deliveries before ${deliveries.cutoff} in ${deliveries.batches} batches, ` +
            `${attempts.deleted} sign-in attempts before ${attempts.cutoff} in ${attempts.batches} batches`,
        );
    },
  },
  [queues.csatSurvey]: {
    // One job per closed cycle (stately by cycle id); the send's idempotency key makes a rerun harmless.
    queue: {
      name: queues.csatSurvey,
      policy: "stately",
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 120,
    },
    workers: 1,
    batchSize: 4,
    handle: async (data) => {
      const input = parsePayload(cycleIdPayload, data);
      await sendCsatSurvey({ ctx: { actor: systemActor("csat") }, input });
    },
  },
  [queues.routingTick]: {
    queue: { name: queues.routingTick, retryLimit: 0, expireInSeconds: 60 },
    workers: 1,
    batchSize: 1,
    handle: async () => {
      // The safety net: routing runs on events (new message, resolve, availability); this catches misses.
      const away = await markAbsentAway({ ctx: { actor: systemActor("presence") } });
      if (away.length > 0) console.log(`[routing] ${away.length} agents without an open tab set away`);
      const assigned = await routeAllTeams({ ctx: { actor: systemActor("router") } });
      if (assigned > 0) console.log(`[routing] safety tick assigned ${assigned} conversations`);
    },
  },
};

const RETIRED_QUEUES = ["ingest.recover", "ingest.apply"];

/** Cron-like jobs; pg-boss runs each once per tick across all worker processes. */
export const schedules: { queue: QueueName; cron: string }[] = [
  { queue: queues.mediaRecover, cron: "* * * * *" },
  { queue: queues.campaignTick, cron: "* * * * *" },
  { queue: queues.snoozeWake, cron: "* * * * *" },
  { queue: queues.routingTick, cron: "* * * * *" },
  { queue: queues.slaTick, cron: "* * * * *" },
  { queue: queues.volumeRollup, cron: "* * * * *" },
  // Hourly, off the hour: purges are heavy and nothing depends on them being prompt.
  { queue: queues.retentionPurge, cron: "17 * * * *" },
  // Every minute: each run deletes what aged out since the last (about a minute of traffic, in 5,000-row
  // statements) and an idle run reads one chunk; the table then holds the retention period plus a minute.
  { queue: queues.webhookEventsPurge, cron: "* * * * *" },
];

export async function createQueues(boss: PgBoss): Promise<void> {
  for (const definition of Object.values(registry))
    await boss.createQueue(definition.queue.name, definition.queue);
}

export async function startWorkers(boss: PgBoss): Promise<void> {
  for (const [name, definition] of Object.entries(registry) as [QueueName, Definition][]) {
    const ids: string[] = [];
    for (let i = 0; i < definition.workers; i++) {
      ids.push(
        await boss.work(
          name,
          { batchSize: definition.batchSize, pollingIntervalSeconds: 0.5 },
          async (jobs) => {
            await runBatch(boss, name, definition, jobs);
            // A full batch means a backlog: fetch again at once rather than after the polling interval.
            if (jobs.length === definition.batchSize) wakeWorkers(name);
          },
        ),
      );
    }
    registerWorkers(name, ids);
  }
  // Webhooks are applied by lib/jobs/ingest-drain.ts now, not by per-event jobs: drop the old schedule.
  for (const retired of RETIRED_QUEUES) await boss.unschedule(retired).catch(() => {});
  for (const { queue, cron } of schedules) await boss.schedule(queue, cron);
  // Catch up at once on downloads a previous crash left behind, rather than at the next cron tick.
  await enqueue(queues.mediaRecover, { olderThanMs: 0 });
}

// Jobs of one batch run this many at a time: enough to overlap round trips, few enough to leave
// pool connections for everything else in the process.
const BATCH_CONCURRENCY = 8;

/** Jobs in a batch succeed or fail one by one; invalid payloads are failed for good, not retried. */
async function runBatch(boss: PgBoss, name: string, definition: Definition, jobs: PgBoss.Job<unknown>[]) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(BATCH_CONCURRENCY, jobs.length) }, async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) await runJob(boss, name, definition, job);
  });
  await Promise.all(lanes);
}

async function runJob(boss: PgBoss, name: string, definition: Definition, job: PgBoss.Job<unknown>) {
  try {
    await definition.handle(job.data);
  } catch (error) {
    const err = error as Error;
    console.error(`[jobs] ${name} ${job.id} failed: ${err.message}`);
    // Cancelled jobs are never retried; failed ones are, up to the queue's retryLimit with backoff.
    if (error instanceof NonRetryableError) await boss.cancel(name, job.id);
    else await boss.fail(name, job.id, { message: err.message });
  }
}

function parsePayload<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new NonRetryableError(`invalid job payload: ${parsed.error.message}`);
  return parsed.data;
}
