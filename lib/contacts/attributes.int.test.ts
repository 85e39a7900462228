import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { assignConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import {
  archiveAttribute,
  createAttribute,
  exportContacts,
  getContact,
  importContacts,
  listAttributes,
  parseCsv,
  setContactAttributes,
  updateAttribute,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("47");
let admin: Actor;

beforeAll(async () => {
  const user = await createUser({
    ctx: system,
    input: {
      email: "ada-47@example.com",
      name: "Ada Admin",
      role: "admin",
      password: "correct horse battery",
      teamIds: [],
    },
  });
  admin = { type: "user", id: user.id, role: "admin", teamIds: [] };
});

async function collect(rows: AsyncGenerator<string>) {
  let text = "";
  for await (const chunk of rows) text += chunk;
  return text;
}

async function auditActions(entityId: string) {
  const rows = await getDb().execute<{ action: string; data: unknown }>(
    sql`select action, data from audit_log where entity_id = ${entityId} order by id`,
  );
  return rows;
}

/** The 422 a verb throws, with the field it names. */
async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  return { status: v.status, field: v.details?.field, message: v.message };
}

describe("custom contact attributes", () => {
  it("lets admins define attributes, not agents or supervisors, and audits each change", async () => {
    await expect(
      createAttribute({ ctx: { actor: ws.agent }, input: { label: "Tier", type: "text" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createAttribute({ ctx: { actor: ws.supervisor }, input: { label: "Tier", type: "text" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const tier = await createAttribute({
      ctx: { actor: admin },
      input: { label: "Tier name", type: "text" },
    });
    expect(tier).toMatchObject({ key: "tier_name", type: "text", archived: false, options: [] });
    await expect(
      createAttribute({ ctx: { actor: admin }, input: { key: "tier_name", label: "Again", type: "number" } }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(
      await rejection(
        createAttribute({ ctx: { actor: admin }, input: { label: "Plan?", type: "select", options: [] } }),
      ),
    ).toMatchObject({ status: 422, field: "options" });
    expect(
      await rejection(updateAttribute({ ctx: { actor: admin }, input: { id: tier.id, options: ["a"] } })),
    ).toMatchObject({ field: "options" });
    await expect(
      updateAttribute({ ctx: { actor: ws.agent }, input: { id: tier.id, label: "Nope" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    await updateAttribute({ ctx: { actor: admin }, input: { id: tier.id, label: "Tier" } });
    await archiveAttribute({ ctx: { actor: admin }, input: { id: tier.id } });
    expect((await auditActions(tier.id)).map((r) => r.action)).toEqual([
      "contact_attribute.created",
      "contact_attribute.updated",
      "contact_attribute.archived",
    ]);
  });

  it("checks values against the definition's type, naming the field, and audits before/after", async () => {
    const c = await customer({ name: "Vic Value" });
    const plan = await createAttribute({
      ctx: { actor: admin },
      input: { key: "plan", label: "Plan", type: "select", options: ["Free", "Pro"] },
    });
    await createAttribute({ ctx: { actor: admin }, input: { key: "seats", label: "Seats", type: "number" } });
    await createAttribute({ ctx: { actor: admin }, input: { key: "renews", label: "Renews", type: "date" } });
    await createAttribute({ ctx: { actor: admin }, input: { key: "vip", label: "VIP", type: "boolean" } });
    const ctx = { actor: ws.supervisor };
    const set = (attributes: Record<string, unknown>) =>
      setContactAttributes({ ctx, input: { id: c.contactId, attributes } });

    for (const [attributes, field] of [
      [{ plan: "Enterprise" }, "attributes.plan"],
      [{ seats: "3" }, "attributes.seats"],
      [{ renews: "2026-02-30" }, "attributes.renews"],
      [{ vip: "yes" }, "attributes.vip"],
      [{ nope: 1 }, "attributes.nope"],
    ] as const) {
      expect(await rejection(set(attributes)), JSON.stringify(attributes)).toMatchObject({
        status: 422,
        field,
      });
    }
    expect((await rejection(set({ plan: "Enterprise" }))).message).toMatch(
      /^attributes\.plan must be one of/,
    );

    const saved = await set({ plan: "Pro", seats: 12, renews: "2027-01-31", vip: true });
    expect(saved.attributes).toEqual({ plan: "Pro", seats: 12, renews: "2027-01-31", vip: true });
    await set({ seats: null });
    expect((await getContact({ ctx, input: { id: c.contactId } })).attributes).toEqual({
      plan: "Pro",
      renews: "2027-01-31",
      vip: true,
    });
    const audit = await auditActions(c.contactId);
    expect(audit.map((r) => r.action)).toEqual(["contact.attributes_updated", "contact.attributes_updated"]);
    expect(audit[1]!.data).toEqual({ changes: { seats: { from: 12, to: null } } });

    // Agents edit contacts they may reply to; another team's contact looks missing.
    await expect(
      setContactAttributes({
        ctx: { actor: ws.agent },
        input: { id: c.contactId, attributes: { plan: "Free" } },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await assignConversation({
      ctx: system,
      input: { conversationId: c.conversationId, team_id: ws.otherTeamId },
    });
    await setContactAttributes({
      ctx: { actor: ws.agent },
      input: { id: c.contactId, attributes: { plan: "Free" } },
    });

    // Archiving hides the definition from the panel's list; the value stays and comes back on restore.
    const agent = { actor: ws.agent };
    await archiveAttribute({ ctx: { actor: admin }, input: { id: plan.id } });
    expect((await listAttributes({ ctx: agent })).map((d) => d.key)).not.toContain("plan");
    expect(
      (await listAttributes({ ctx: { actor: admin }, input: { include_archived: "true" } })).find(
        (d) => d.key === "plan",
      ),
    ).toMatchObject({ archived: true });
    expect((await getContact({ ctx: agent, input: { id: c.contactId } })).attributes.plan).toBe("Free");
    expect(
      await rejection(
        setContactAttributes({ ctx: agent, input: { id: c.contactId, attributes: { plan: "Pro" } } }),
      ),
    ).toMatchObject({ field: "attributes.plan", message: "attributes.plan is archived" });
    await updateAttribute({ ctx: { actor: admin }, input: { id: plan.id, archived: false } });
    expect((await listAttributes({ ctx: agent })).map((d) => d.key)).toContain("plan");
  });

  it("reorders definitions by moving one to a position", async () => {
    const before = await listAttributes({ ctx: { actor: admin } });
    const last = before.at(-1)!;
    await updateAttribute({ ctx: { actor: admin }, input: { id: last.id, position: 0 } });
    const after = await listAttributes({ ctx: { actor: admin } });
    expect(after.map((d) => d.id)).toEqual([last.id, ...before.slice(0, -1).map((d) => d.id)]);
    // Positions stay distinct and increasing, so a later move starts from a clean order.
    expect(after.every((d, i) => i === 0 || d.position > after[i - 1]!.position)).toBe(true);
  });

  it("exports attribute columns and imports them back, with per-line reasons for bad values", async () => {
    const c = await customer({ name: "Csv Carla" });
    await setContactAttributes({
      ctx: { actor: admin },
      input: { id: c.contactId, attributes: { plan: "Pro", seats: 7, vip: false } },
    });
    const csv = await collect(await exportContacts({ ctx: { actor: admin }, input: { numberId: ws.ids.A } }));
    const rows = parseCsv(csv);
    const header = rows[0]!;
    expect(header).toEqual(expect.arrayContaining(["attr:plan", "attr:seats", "attr:renews", "attr:vip"]));
    const row = rows.find((r) => r[0] === c.contactId)!;
    const cell = (key: string) => row[header.indexOf(`attr:${key}`)];
    expect([cell("plan"), cell("seats"), cell("vip"), cell("renews")]).toEqual(["Pro", "7", "false", ""]);

    // Round trip: the exported sheet, edited, goes back in (new values set, empty cells leave values alone).
    const edited = csv
      .replace(`,Pro,`, `,Free,`)
      .concat(
        `,Nina New,4477470999001,,,,,,${header
          .slice(8)
          .map((h) => (h === "attr:seats" ? "3" : ""))
          .join(",")}\r\n`,
      )
      .concat(
        `,Bad Bob,4477470999002,,,,,,${header
          .slice(8)
          .map((h) => (h === "attr:renews" ? "31/01/2027" : ""))
          .join(",")}\r\n`,
      );
    const result = await importContacts({
      ctx: { actor: admin },
      input: { numberId: ws.ids.A, csv: edited },
    });
    expect(result.created).toBe(1);
    expect(result.errors).toEqual([
      { line: rows.length + 2, message: "attr:renews must be a date like 2026-01-31" },
    ]);
    expect((await getContact({ ctx: system, input: { id: c.contactId } })).attributes).toEqual({
      plan: "Free",
      seats: 7,
      vip: false,
    });
    const [nina] = await getDb().execute<{ attributes: Record<string, unknown> }>(
      sql`select attributes from contacts where phone = '4477470999001'`,
    );
    expect(nina?.attributes).toEqual({ seats: 3 });

    expect(
      await rejection(
        importContacts({
          ctx: { actor: admin },
          input: { numberId: ws.ids.A, csv: "phone,attr:unknown\n1,2\n" },
        }),
      ),
    ).toMatchObject({ field: "csv" });
  });
});
