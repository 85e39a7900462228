import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db/client";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { createQueues } from "@/lib/jobs/registry";
import { useTestDatabase } from "@/tests/int/db";
import { scheduleCampaignRun } from "./schedule-run";

useTestDatabase();

describe("a campaign's next run", () => {
  it("waits its delay on Postgres' clock, even from a process whose clock is 5 min ahead (R18)", async () => {
    // pg-boss without workers: the job stays queued to be read.
    const boss = await startBoss({ worker: false });
    const campaignId = randomUUID();
    try {
      await createQueues(boss);
      // Only Date moves, as in the fault harness' skewed processes (tests/faults/skew-clock.mjs).
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(Date.now() + 5 * 60_000);
        await scheduleCampaignRun(campaignId, 3_000);
      } finally {
        vi.useRealTimers();
      }
      const [job] = await getDb().execute<{ wait_s: number }>(sql`
        select extract(epoch from start_after - now())::float8 as wait_s from pgboss.job
        where name = ${queues.campaignRun} and singleton_key = ${campaignId}`);
      expect(job?.wait_s).toBeGreaterThan(1.5);
      expect(job?.wait_s).toBeLessThanOrEqual(3);
    } finally {
      await stopBoss(1_000);
    }
  });
});
