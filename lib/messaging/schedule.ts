import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { enqueue, getBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";

/**
 * Wakes the send queue for one message. The outbound_sends row is the truth; if this enqueue is lost
 * (crash, no queue in this process), the send sweep finds the row and enqueues it again.
 * `priority` is the row's (0 agent, 1 bot, 2 campaign): pg-boss runs higher numbers first, so it is inverted.
 */
export async function scheduleSend(
  messageId: string,
  options: {
    /**
     * When to start, on Postgres' clock (the row's next_attempt_at): pg-boss compares it with Postgres' now,
     * so a time from this process's clock would start the job minutes off on a skewed instance (R18).
     */
    startAt?: Date;
    priority?: number;
    /** Already recorded on the row. */ jobId?: string;
  } = {},
): Promise<void> {
  try {
    const id = options.jobId ?? crypto.randomUUID();
    if (!options.jobId) await recordJobIds([messageId], [id]);
    await enqueue(
      queues.messageSend,
      { messageId },
      {
        id,
        priority: 2 - (options.priority ?? 0),
        ...(options.startAt ? { startAfter: options.startAt } : {}),
      },
    );
  } catch (error) {
    console.error(
      `[messaging] could not enqueue send of ${messageId}; the send sweep will pick it up: ${(error as Error).message}`,
    );
  }
}

/**
 * scheduleSend for many messages of one priority in one insert (a campaign step). The last goes through
 * scheduleSend so workers here and in other processes are woken once the whole batch is in the queue.
 */
export async function scheduleSends(messageIds: string[], options: { priority?: number } = {}) {
  const rest = messageIds.slice(0, -1);
  const last = messageIds.at(-1);
  if (last === undefined) return;
  if (rest.length > 0) {
    try {
      const boss = getBoss();
      if (!boss) throw new Error("job queue is not started in this process");
      const ids = rest.map(() => crypto.randomUUID());
      await recordJobIds(rest, ids);
      await boss.insert(
        rest.map((messageId, i) => ({
          id: ids[i],
          name: queues.messageSend,
          data: { messageId },
          priority: 2 - (options.priority ?? 0),
        })),
      );
    } catch (error) {
      console.error(
        `[messaging] could not enqueue ${rest.length} sends; the send sweep will pick them up: ${(error as Error).message}`,
      );
    }
  }
  await scheduleSend(last, options);
}

/** The job each row now waits for; written before the job exists, so a failed enqueue reads as lost. */
async function recordJobIds(messageIds: string[], jobIds: string[]) {
  await getDb().execute(sql`
    update outbound_sends s set job_id = v.job_id
    from unnest(${`{${messageIds.join(",")}}`}::uuid[], ${`{${jobIds.join(",")}}`}::uuid[]) as v(message_id, job_id)
    where s.message_id = v.message_id`);
}
