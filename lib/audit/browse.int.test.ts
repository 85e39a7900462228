import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/errors";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { emitAudit } from "./emit-audit";
import { exportAudit } from "./export-audit";
import { listAudit } from "./list-audit";

useTestDatabase();
const admin: Actor = { type: "user", id: crypto.randomUUID(), role: "admin", teamIds: [] };
const supervisor: Actor = { type: "user", id: crypto.randomUUID(), role: "supervisor", teamIds: [] };
const agent: Actor = { type: "user", id: crypto.randomUUID(), role: "agent", teamIds: [] };

async function emit(actor: Actor, action: string, entityType: string, entityId: string, data?: unknown) {
  await getDb().transaction((tx) => emitAudit(tx, actor, { action, entityType, entityId, data }));
}

describe("browsing and exporting the audit log", () => {
  it("filters by actor, action prefix, entity and time; pages newest first; names users", async () => {
    const user = await createUser({
      ctx: { actor: systemActor("test") },
      input: {
        email: "ivy@example.com",
        name: "Ivy Admin",
        role: "admin",
        password: "correct horse battery",
      },
    });
    const ivy: Actor = { type: "user", id: user.id, role: "admin", teamIds: [] };
    for (let i = 0; i < 5; i++) await emit(ivy, "campaign.started", "campaign", `c${i}`, { i });
    await emit(systemActor("ingest"), "campaign_x.other", "campaign", "c9");
    await emit(systemActor("ingest"), "number.added", "phone_number", "n1");

    const ctx = { actor: supervisor };
    const all = await listAudit({ ctx, input: {} });
    expect(all.data[0]).toMatchObject({ action: "number.added", actor_name: "ingest", actor_type: "system" });
    expect(all.data.map((r) => r.id)).toEqual([...all.data.map((r) => r.id)].sort((a, b) => b - a));

    const byActor = await listAudit({ ctx, input: { actor: ivy.id } });
    expect(byActor.data).toHaveLength(5);
    expect(byActor.data[0]).toMatchObject({ actor_name: "Ivy Admin", data: { i: 4 }, entity_id: "c4" });

    expect((await listAudit({ ctx, input: { action: "campaign." } })).data).toHaveLength(5);
    expect((await listAudit({ ctx, input: { action: "campaign" } })).data).toHaveLength(6);
    expect((await listAudit({ ctx, input: { action: "campaign_" } })).data).toHaveLength(1);
    expect((await listAudit({ ctx, input: { action: "campaign%" } })).data).toHaveLength(0);
    expect((await listAudit({ ctx, input: { entity_type: "campaign", entity_id: "c2" } })).data).toHaveLength(
      1,
    );
    expect((await listAudit({ ctx, input: { from: "2999-01-01" } })).data).toHaveLength(0);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect((await listAudit({ ctx, input: { from: hourAgo, to: "2999-01-01T00:00:00Z" } })).data.length).toBe(
      all.data.length,
    );

    const page1 = await listAudit({ ctx, input: { action: "campaign.", limit: "2" } });
    const page2 = await listAudit({
      ctx,
      input: { action: "campaign.", limit: "2", cursor: page1.next_cursor },
    });
    const page3 = await listAudit({
      ctx,
      input: { action: "campaign.", limit: "2", cursor: page2.next_cursor },
    });
    expect([...page1.data, ...page2.data, ...page3.data].map((r) => r.entity_id)).toEqual([
      "c4",
      "c3",
      "c2",
      "c1",
      "c0",
    ]);
    expect(page3.next_cursor).toBeNull();
    await expect(listAudit({ ctx, input: { cursor: "abc" } })).rejects.toThrow();
    await expect(listAudit({ ctx, input: { from: "yesterday" } })).rejects.toThrow();
    await expect(listAudit({ ctx: { actor: agent }, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("exports CSV with quoting and the formula guard, only for admins, and audits the export", async () => {
    await emit(admin, "contact.renamed", "contact", "=cmd|' /C calc'!A0", { name: 'Bo "the, boss"\nline' });
    await expect(exportAudit({ ctx: { actor: supervisor }, input: {} })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const { body, filename } = await exportAudit({ ctx: { actor: admin }, input: { action: "contact." } });
    expect(filename).toMatch(/^audit-log-.*\.csv$/);
    const csv = await new Response(body).text();
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("id,at,actor_type,actor_id,actor_name,action,entity_type,entity_id,data,hash");
    expect(csv).toContain(
      `,contact.renamed,contact,'=cmd|' /C calc'!A0,"{""name"":""Bo \\""the, boss\\""\\nline""}",`,
    );
    expect(lines.at(-1)).toBe("");
    const after = await listAudit({ ctx: { actor: admin }, input: { action: "audit.exported" } });
    expect(after.data[0]).toMatchObject({ actor_id: admin.id, data: { filters: { action: "contact." } } });
  });

  it("streams a large export batch by batch", async () => {
    for (let i = 0; i < 30; i++)
      await getDb().transaction(async (tx) => {
        for (let j = 0; j < 100; j++)
          await emitAudit(tx, systemActor("bulk"), {
            action: "bulk.row",
            entityType: "thing",
            entityId: `${i}.${j}`,
          });
      });
    const { body } = await exportAudit({ ctx: { actor: admin }, input: { action: "bulk." } });
    const reader = body.getReader();
    let chunks = 0;
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks++;
      text += new TextDecoder().decode(value);
    }
    expect(text.trim().split("\r\n")).toHaveLength(3001);
    expect(chunks).toBeGreaterThanOrEqual(4);
  });
});
