import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";

/**
 * Wakes the send queue for one message. The outbound_sends row is the truth; if this enqueue is lost
 * (crash, no queue in this process), the send sweep finds the row and enqueues it again.
 */
export async function scheduleSend(messageId: string, startAfterMs = 0): Promise<void> {
  try {
    await enqueue(
      queues.messageSend,
      { messageId },
      startAfterMs > 0 ? { startAfter: new Date(Date.now() + startAfterMs) } : undefined,
    );
  } catch (error) {
    console.error(
      `[messaging] could not enqueue send of ${messageId}; the send sweep will pick it up: ${(error as Error).message}`,
    );
  }
}
