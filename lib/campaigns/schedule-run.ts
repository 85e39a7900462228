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
        ...(startAfterMs > 0 ? { startAfter: new Date(Date.now() + startAfterMs) } : {}),
      },
    );
  } catch (error) {
    console.error(
      `[campaigns] could not enqueue a run of ${campaignId}; the campaign tick will: ${(error as Error).message}`,
    );
  }
}
