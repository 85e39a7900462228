import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";

/**
 * Wakes the campaign's runner. One queued run per campaign (the queue is stately, keyed by campaign), so
 * delays stay short; if this enqueue is lost, the per-minute tick finds the campaign and enqueues it again.
 */
export async function scheduleCampaignRun(campaignId: string, startAfterMs = 0): Promise<void> {
  try {
    await enqueue(
      queues.campaignRun,
      { campaignId },
      {
        singletonKey: campaignId,
        // In seconds, which pg-boss adds to Postgres' now(): a Date from this process's clock would start the
        // run minutes late (or early) on a worker whose clock is off (R18).
        ...(startAfterMs > 0 ? { startAfter: startAfterMs / 1000 } : {}),
      },
    );
  } catch (error) {
    console.error(
      `[campaigns] could not enqueue a run of ${campaignId}; the campaign tick will: ${(error as Error).message}`,
    );
  }
}
