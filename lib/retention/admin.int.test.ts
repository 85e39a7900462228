import { spawnSync } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/errors";
import { startBoss, stopBoss } from "@/lib/jobs/boss";
import { createQueues, startWorkers } from "@/lib/jobs/registry";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import {
  listLegalHolds,
  listRetention,
  requestRetentionPurge,
  setLegalHold,
  setNumberRetention,
} from "./index";

const db = useTestDatabase();
const { ws, customer } = useSimWorkspace("93");
const DAY = 86_400_000;

async function count(conversationId: string) {
  const [row] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`,
  );
  return row!.n;
}

describe("retention admin", () => {
  it("lists numbers and legal holds for admins only, and finds contacts to hold by name", async () => {
    const supervisor = { actor: ws.supervisor };
    await expect(listRetention({ ctx: supervisor })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listLegalHolds({ ctx: supervisor, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(requestRetentionPurge({ ctx: supervisor })).rejects.toBeInstanceOf(ForbiddenError);

    const c = await customer({ name: "Harriet Holdwell" });
    await setNumberRetention({ ctx: system, input: { numberId: ws.ids.A, days: 30 } });
    const numbers = await listRetention({ ctx: system });
    expect(numbers.data.find((n) => n.id === ws.ids.A)).toMatchObject({
      retention_days: 30,
      last_purge: null,
    });
    expect(numbers.data.find((n) => n.id === ws.ids.B)?.retention_days).toBeNull();

    expect((await listLegalHolds({ ctx: system, input: {} })).data).toEqual([]);
    const found = await listLegalHolds({ ctx: system, input: { q: "holdwell" } });
    expect(found.data).toEqual([
      {
        contact: { id: c.contactId, name: "Harriet Holdwell", phone: c.phone, legal_hold: false },
        conversations: [
          { id: c.conversationId, number: ws.numberA.displayNumber, status: "open", legal_hold: false },
        ],
      },
    ]);
    // A wildcard in the search is text, not a pattern.
    expect((await listLegalHolds({ ctx: system, input: { q: "%" } })).data).toEqual([]);

    await setLegalHold({ ctx: system, input: { kind: "conversation", id: c.conversationId, hold: true } });
    const held = await listLegalHolds({ ctx: system, input: {} });
    expect(held.data.map((e) => e.contact.id)).toEqual([c.contactId]);
    expect(held.data[0]!.conversations[0]!.legal_hold).toBe(true);
    expect(held.data[0]!.contact.legal_hold).toBe(false);
  });

  it("purge now queues the retention job, which purges old messages but not held ones, audited", async () => {
    const old = await customer({ ageMs: 3 * DAY, text: "old news" });
    const held = await customer({ ageMs: 3 * DAY, text: "evidence" });
    const fresh = await customer({ text: "today" });
    await setNumberRetention({ ctx: system, input: { numberId: ws.ids.A, days: 1 } });
    await setLegalHold({ ctx: system, input: { kind: "conversation", id: held.conversationId, hold: true } });

    const boss = await startBoss({ worker: true });
    try {
      await createQueues(boss);
      await startWorkers(boss);
      expect(await requestRetentionPurge({ ctx: system })).toEqual({ queued: true });
      await waitFor(async () => (await count(old.conversationId)) === 0, 30_000);
    } finally {
      await stopBoss(5_000);
    }
    expect(await count(held.conversationId)).toBe(1);
    expect(await count(fresh.conversationId)).toBe(1);
    const [requested] = await getDb().execute(
      sql`select 1 from audit_log where action = 'retention.purge_requested'`,
    );
    expect(requested).toBeDefined();
    const number = (await listRetention({ ctx: system })).data.find((n) => n.id === ws.ids.A)!;
    expect(number.last_purge?.messages).toBeGreaterThanOrEqual(1);
  });

  it("the retention:purge command runs the purge now and reports it per number", async () => {
    const old = await customer({ ageMs: 3 * DAY, text: "from the archive" });
    await setNumberRetention({ ctx: system, input: { numberId: ws.ids.A, days: 1 } });
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/tandem.ts", "retention:purge"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, DATABASE_URL: db.url },
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`number ${ws.ids.A}: purged 1 messages`);
    expect(await count(old.conversationId)).toBe(0);
  });
});
