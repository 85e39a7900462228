import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { errorResponse } from "@/lib/http/route";
import { saveBusinessHours } from "@/lib/sla";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import { DEFAULT_FLOW } from "./flow/default-flow";
import {
  createRoutingRule,
  deleteRoutingRule,
  handoffConversation,
  listRoutingRules,
  publishFlow,
  reorderRoutingRules,
  runBot,
  updateRoutingRule,
  upsertBot,
  type RoutingRuleInput,
} from "./index";

useTestDatabase();
const { ws, customer, drain } = useSimWorkspace("91");
let admin: Actor;

beforeAll(async () => {
  const user = await createUser({
    ctx: system,
    input: {
      email: "ada-91@example.com",
      name: "Ada Admin",
      role: "admin",
      password: "correct horse battery",
      teamIds: [],
    },
  });
  admin = { type: "user", id: user.id, role: "admin", teamIds: [] };
  // A flow bot on number A, so new conversations there start with the bot and can be handed off.
  await upsertBot({ ctx: system, input: { numberId: ws.ids.A, name: "Helper", kind: "flow" } });
  await publishFlow({ ctx: system, input: { numberId: ws.ids.A, definition: DEFAULT_FLOW } });
  await upsertBot({ ctx: system, input: { numberId: ws.ids.A, name: "Helper", kind: "flow", active: true } });
});

/** What the HTTP layer answers for a verb's error: status and the field it names. */
async function httpError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "expected the call to fail").not.toBeNull();
  const response = errorResponse(error, "test");
  const body = (await response.json()) as { error: { field?: string; message: string } };
  return { status: response.status, field: body.error.field, message: body.error.message };
}

const create = (input: RoutingRuleInput) => createRoutingRule({ ctx: { actor: admin }, input });

/** A new customer writes to number A (with the bot) and the bot hands the conversation off. */
async function handoff(text: string, fields: Record<string, string> = {}) {
  const c = await customer({ text });
  const [row] = await getDb().execute<{ status: string }>(
    sql`select status from conversations where id = ${c.conversationId}`,
  );
  expect(row!.status).toBe("bot");
  return handoffConversation({ ctx: system, input: { conversationId: c.conversationId, fields } });
}

describe("routing rules: managing them", () => {
  it("only admins read or change them", async () => {
    await expect(listRoutingRules({ ctx: { actor: ws.supervisor } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createRoutingRule({
        ctx: { actor: ws.supervisor },
        input: { name: "x", team_id: ws.teamId, conditions: { keyword: "x" } },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("refuses bad input with a 422 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ name: "", team_id: ws.teamId, conditions: { keyword: "x" } }, "name"],
      [{ name: "A", team_id: "nope", conditions: { keyword: "x" } }, "team_id"],
      [{ name: "A", team_id: ws.teamId, conditions: {} }, "conditions"],
      [{ name: "A", team_id: ws.teamId, conditions: { colour: "red" } }, "conditions.colour"],
      [
        { name: "A", team_id: ws.teamId, conditions: { field: { name: "topic" } } },
        "conditions.field.equals",
      ],
      [{ name: "A", team_id: ws.teamId, conditions: { keyword: "x" }, position: 1 }, "position"],
      // Well-formed ids that point at nothing are named too.
      [{ name: "A", team_id: crypto.randomUUID(), conditions: { keyword: "x" } }, "team_id"],
      [
        { name: "A", team_id: ws.teamId, conditions: { label_id: crypto.randomUUID() } },
        "conditions.label_id",
      ],
      [
        {
          name: "A",
          team_id: ws.teamId,
          conditions: { business_hours: { id: crypto.randomUUID(), open: true } },
        },
        "conditions.business_hours.id",
      ],
    ];
    for (const [input, field] of cases) {
      const error = await httpError(create(input as RoutingRuleInput));
      expect({ status: error.status, field: error.field }, JSON.stringify(input)).toEqual({
        status: 422,
        field,
      });
    }
    expect(await listRoutingRules({ ctx: { actor: admin } })).toEqual([]);
  });

  it("creates at the end, edits, reorders and deletes, each audited", async () => {
    const a = await create({ name: "Refunds", team_id: ws.otherTeamId, conditions: { keyword: "refund" } });
    const b = await create({ name: "Spanish", team_id: ws.teamId, conditions: { language: "es" } });
    expect([a.position, b.position]).toEqual([1, 2]);
    expect(a).toMatchObject({ active: true, team_name: "Other 91", conditions: { keyword: "refund" } });

    const edited = await updateRoutingRule({
      ctx: { actor: admin },
      input: {
        id: a.id,
        name: "Refunds (off)",
        team_id: ws.otherTeamId,
        active: false,
        conditions: { keyword: "refund" },
      },
    });
    expect(edited).toMatchObject({ name: "Refunds (off)", active: false, position: 1 });

    // A stale list (missing a rule) is refused rather than leaving positions ambiguous.
    expect(
      await httpError(reorderRoutingRules({ ctx: { actor: admin }, input: { ids: [b.id] } })),
    ).toMatchObject({
      status: 422,
      field: "ids",
    });
    const reordered = await reorderRoutingRules({ ctx: { actor: admin }, input: { ids: [b.id, a.id] } });
    expect(reordered.map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await listRoutingRules({ ctx: { actor: admin } })).map((r) => r.name)).toEqual([
      "Spanish",
      "Refunds (off)",
    ]);

    await deleteRoutingRule({ ctx: { actor: admin }, input: { id: a.id } });
    await deleteRoutingRule({ ctx: { actor: admin }, input: { id: b.id } });
    await expect(deleteRoutingRule({ ctx: { actor: admin }, input: { id: a.id } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      updateRoutingRule({
        ctx: { actor: admin },
        input: { id: a.id, name: "x", team_id: ws.teamId, conditions: { keyword: "x" } },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);

    const audit = await getDb().execute<{ action: string; actor_id: string }>(sql`
      select action, actor_id from audit_log where entity_type = 'routing_rule' order by at, id`);
    expect(audit.map((r) => r.action)).toEqual([
      "routing_rule.created",
      "routing_rule.created",
      "routing_rule.updated",
      "routing_rule.reordered",
      "routing_rule.deleted",
      "routing_rule.deleted",
    ]);
    expect(new Set(audit.map((r) => r.actor_id))).toEqual(new Set([admin.type === "user" ? admin.id : ""]));
  });
});

describe("routing rules: where a handoff goes", () => {
  it("the first active matching rule picks the team; otherwise the number's default team", async () => {
    // No rules: the number's default team.
    expect(await handoff("I want a refund")).toMatchObject({ team_id: ws.teamId, rule_id: null });

    const refunds = await create({
      name: "Refunds",
      team_id: ws.otherTeamId,
      conditions: { keyword: "REFUND" },
    });
    const vip = await create({
      name: "VIP order",
      team_id: ws.teamId,
      conditions: { field: { name: "order_number", equals: "12345" } },
    });
    // Keywords match regardless of case; the earlier rule wins when two match.
    expect(await handoff("refund for 12345 please", { order_number: "12345" })).toMatchObject({
      team_id: ws.otherTeamId,
      rule_id: refunds.id,
    });
    await reorderRoutingRules({ ctx: { actor: admin }, input: { ids: [vip.id, refunds.id] } });
    expect(await handoff("refund for 12345 please", { order_number: "12345" })).toMatchObject({
      team_id: ws.teamId,
      rule_id: vip.id,
    });
    // A rule switched off is skipped.
    await updateRoutingRule({
      ctx: { actor: admin },
      input: { id: vip.id, name: "VIP order", team_id: ws.teamId, active: false, conditions: vip.conditions },
    });
    expect(await handoff("refund for 12345 please", { order_number: "12345" })).toMatchObject({
      team_id: ws.otherTeamId,
      rule_id: refunds.id,
    });
    // Every condition of a rule must hold: the number matches, the keyword doesn't.
    await deleteRoutingRule({ ctx: { actor: admin }, input: { id: refunds.id } });
    const both = await create({
      name: "Number A billing",
      team_id: ws.otherTeamId,
      conditions: { number_id: ws.ids.A, keyword: "invoice" },
    });
    expect(await handoff("where is my parcel")).toMatchObject({ team_id: ws.teamId, rule_id: null });
    expect(await handoff("my invoice is wrong")).toMatchObject({ team_id: ws.otherTeamId, rule_id: both.id });
    await deleteRoutingRule({ ctx: { actor: admin }, input: { id: both.id } });
    await deleteRoutingRule({ ctx: { actor: admin }, input: { id: vip.id } });
  });

  it("a business-hours rule sends out-of-hours handoffs elsewhere", async () => {
    // No opening hours on any day: always closed.
    const closed = await saveBusinessHours({
      ctx: { actor: admin },
      input: { name: "Never open", timezone: "Europe/Madrid", weekly: {} },
    });
    const night = await create({
      name: "Out of hours",
      team_id: ws.otherTeamId,
      conditions: { business_hours: { id: closed.id, open: false } },
    });
    const day = await create({
      name: "In hours",
      team_id: ws.teamId,
      conditions: { business_hours: { id: closed.id, open: true } },
    });
    await reorderRoutingRules({ ctx: { actor: admin }, input: { ids: [day.id, night.id] } });
    expect(await handoff("hello?")).toMatchObject({ team_id: ws.otherTeamId, rule_id: night.id });
    const [conversation] = await getDb().execute<{ team_id: string; status: string }>(sql`
      select team_id, status from conversations order by created_at desc limit 1`);
    expect(conversation).toEqual({ team_id: ws.otherTeamId, status: "open" });
    for (const rule of [night, day])
      await deleteRoutingRule({ ctx: { actor: admin }, input: { id: rule.id } });
  });
});

describe("routing rules: the flow bot's findings", () => {
  it("a customer who picks Español and asks for a person is routed by a language rule", async () => {
    const spanish = await create({
      name: "Spanish",
      team_id: ws.otherTeamId,
      conditions: { language: "es" },
    });
    const c = await customer({ text: "Hola" });
    const customerMessages = async () => {
      const [row] = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from messages where conversation_id = ${c.conversationId} and source = 'customer'`,
      );
      return row!.n;
    };
    // What the job queue does in the server: run the bot on each customer message, send what it says
    // (a bot answer right after the customer wrote may burst; later bot messages are paced for the pair rate).
    const step = async () => {
      await runBot({ ctx: system, input: { conversationId: c.conversationId } });
      await waitFor(async () => {
        await drain();
        const queued = await getDb().execute(sql`select 1 from outbound_sends where state = 'queued'`);
        return queued.length === 0;
      }, 20_000);
    };
    // The customer taps a button the bot sent, on their phone.
    const tap = async (title: string) => {
      const choice = ws.sim.state.chats
        .filter((m) => m.customerId === c.simId)
        .flatMap((m) => m.choices ?? [])
        .findLast((x) => x.title === title);
      expect(choice, `the bot offers "${title}"`).toBeDefined();
      const before = await customerMessages();
      ws.sim.state.customerSend(c.simId, {
        ...choice,
        type: choice!.kind,
        numberId: ws.numberA.phoneNumberId,
      });
      await waitFor(async () => (await customerMessages()) === before + 1);
      await step();
    };
    await step();
    await tap("Español");
    await tap("Hablar con persona");
    const [row] = await getDb().execute<{ status: string; team_id: string }>(
      sql`select status, team_id from conversations where id = ${c.conversationId}`,
    );
    expect(row).toEqual({ status: "open", team_id: ws.otherTeamId });
    const [event] = await getDb().execute<{ data: Record<string, unknown> }>(sql`
      select data from conversation_events where conversation_id = ${c.conversationId} and type = 'handoff'`);
    expect(event!.data).toMatchObject({
      rule_id: spanish.id,
      team_id: ws.otherTeamId,
      fields: { topic: "agent" },
    });
    expect(String(event!.data.summary)).toContain("topic: agent");
  });
});
