import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { createQueues } from "@/lib/jobs/registry";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { sendMessage, sweepSends } from "./index";

useTestDatabase();
const { customer } = useSimWorkspace("61");

async function jobsFor(messageId: string) {
  const [row] = await getDb().execute<{ n: number }>(sql`
    select count(*)::int as n from pgboss.job where name = ${queues.messageSend} and data->>'messageId' = ${messageId}`);
  return row!.n;
}

describe("the send sweep", () => {
  it("re-enqueues an overdue queued send only when its job is gone, not one still waiting behind a backlog", async () => {
    // pg-boss without workers: the jobs stay waiting, as behind a long campaign backlog.
    const boss = await startBoss({ worker: false });
    try {
      await createQueues(boss);
      const waiting = await customer({});
      const lost = await customer({});
      const queue = (conversationId: string, key: string) =>
        sendMessage({
          ctx: system,
          input: {
            conversationId,
            idempotencyKey: key,
            message: { type: "text", text: key },
            source: "campaign",
          },
        });
      const a = await queue(waiting.conversationId, "sweep-waiting");
      const b = await queue(lost.conversationId, "sweep-lost");
      expect(await jobsFor(a.message.id)).toBe(1);
      // b's job was lost (deleted, as if the enqueue had failed after the row was written).
      await getDb().execute(sql`
        delete from pgboss.job where name = ${queues.messageSend} and data->>'messageId' = ${b.message.id}`);
      // Both have waited a minute.
      await getDb().execute(sql`
        update outbound_sends set next_attempt_at = now() - interval '1 minute'
        where message_id in (${a.message.id}, ${b.message.id})`);

      const swept = await sweepSends({ ctx: system });
      expect(swept.requeued).toBe(1);
      expect(await jobsFor(a.message.id)).toBe(1);
      expect(await jobsFor(b.message.id)).toBe(1);
      // And a second sweep adds nothing: the new job is recorded on the row.
      await getDb().execute(sql`
        update outbound_sends set next_attempt_at = now() - interval '1 minute' where message_id = ${b.message.id}`);
      expect((await sweepSends({ ctx: system })).requeued).toBe(0);

      // A job set to start minutes after its row's next attempt (scheduled from a clock 5 min ahead, R18)
      // would leave the send waiting that long: the sweep counts it as gone.
      const skewed = await customer({});
      const c = await queue(skewed.conversationId, "sweep-skewed");
      await getDb().execute(sql`
        update pgboss.job set start_after = now() + interval '5 minutes'
        where name = ${queues.messageSend} and data->>'messageId' = ${c.message.id}`);
      await getDb().execute(sql`
        update outbound_sends set next_attempt_at = now() - interval '1 minute' where message_id = ${c.message.id}`);
      expect((await sweepSends({ ctx: system })).requeued).toBe(1);
      expect(await jobsFor(c.message.id)).toBe(2);
      const [due] = await getDb().execute<{ n: number }>(sql`
        select count(*)::int as n from pgboss.job
        where name = ${queues.messageSend} and data->>'messageId' = ${c.message.id} and start_after <= now()`);
      expect(due!.n).toBe(1);
    } finally {
      await stopBoss(5_000);
    }
  });
});
