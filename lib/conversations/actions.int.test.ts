import { sql } from "drizzle-orm";
import { ZodError } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import {
  createCannedResponse,
  deleteCannedResponse,
  listCannedResponses,
  updateCannedResponse,
} from "@/lib/canned-responses";
import { getDb } from "@/lib/db/client";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { createLabel, deleteLabel, listLabels } from "@/lib/labels";
import { sendMessage } from "@/lib/messaging";
import { listNotifications, markNotificationsRead } from "@/lib/notifications";
import { createUser } from "@/lib/users";
import { setSetting } from "@/lib/settings";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import {
  addConversationLabel,
  addConversationNote,
  autoResolveInactive,
  assignConversation,
  getConversation,
  listTimeline,
  removeConversationLabel,
  reopenConversation,
  resolveConversation,
  setConversationPriority,
  snoozeConversation,
  wakeSnoozedConversations,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("81");

// Two agents in the conversations' team (ws.agent is in the other team).
let ann: Actor;
let bob: Actor;
beforeAll(async () => {
  for (const name of ["Ann", "Bob"]) {
    const user = await createUser({
      ctx: system,
      input: {
        email: `${name.toLowerCase()}-81@example.com`,
        name: `${name} Agent`,
        role: "agent",
        password: "correct horse battery",
        teamIds: [ws.teamId],
      },
    });
    const actor: Actor = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
    if (name === "Ann") ann = actor;
    else bob = actor;
  }
});

const as = (actor: Actor) => ({ actor });
const idOf = (actor: Actor) => (actor.type === "user" ? actor.id : "");

async function timelineTypes(conversationId: string) {
  const page = await listTimeline({ ctx: system, input: { conversationId } });
  return page.data.map((e) => e.type).reverse();
}

async function audits(conversationId: string) {
  const rows = await getDb().execute<{ action: string }>(
    sql`select action from audit_log where entity_type = 'conversation' and entity_id = ${conversationId} order by id`,
  );
  return rows.map((r) => r.action);
}

async function cycles(conversationId: string) {
  return getDb().execute<{ reopened: boolean; resolved: boolean; responded: boolean }>(sql`
    select reopened, resolved_at is not null as resolved, first_response_at is not null as responded
    from conversation_cycles where conversation_id = ${conversationId} order by started_at, reopened`);
}

describe("assignment", () => {
  it("agents take unassigned work or give back their own; assigning others needs a supervisor", async () => {
    const c = await customer();
    const taken = await assignConversation({
      ctx: as(ann),
      input: { conversationId: c.conversationId, assignee_id: idOf(ann) },
    });
    expect(taken).toEqual({ assignee_id: idOf(ann), team_id: ws.teamId });
    // Bob may not take Ann's conversation, nor Ann hand it to Bob.
    await expect(
      assignConversation({
        ctx: as(bob),
        input: { conversationId: c.conversationId, assignee_id: idOf(bob) },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      assignConversation({
        ctx: as(ann),
        input: { conversationId: c.conversationId, assignee_id: idOf(bob) },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // An agent of another team cannot even tell it exists (IDOR).
    await expect(
      assignConversation({
        ctx: as(ws.agent),
        input: { conversationId: c.conversationId, assignee_id: idOf(ws.agent) },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // The supervisor hands it to Bob, who is told; nobody outside the team can be the assignee.
    await assignConversation({
      ctx: as(ws.supervisor),
      input: { conversationId: c.conversationId, assignee_id: idOf(bob) },
    });
    await expect(
      assignConversation({
        ctx: as(ws.supervisor),
        input: { conversationId: c.conversationId, assignee_id: idOf(ws.agent) },
      }),
    ).rejects.toMatchObject({ details: { field: "assignee_id" } });
    const bobs = await listNotifications({ ctx: as(bob), input: {} });
    expect(bobs.data).toMatchObject([{ kind: "assigned", conversation_id: c.conversationId }]);
    expect(bobs.unread).toBe(1);
    await markNotificationsRead({ ctx: as(bob), input: { all: true } });
    expect((await listNotifications({ ctx: as(bob), input: {} })).unread).toBe(0);
    // Ann assigned herself: no notification for that.
    expect((await listNotifications({ ctx: as(ann), input: {} })).data).toEqual([]);
    // Bob gives it back.
    await assignConversation({
      ctx: as(bob),
      input: { conversationId: c.conversationId, assignee_id: null },
    });
    expect(await timelineTypes(c.conversationId)).toEqual(["assigned", "assigned", "unassigned"]);
    expect(await audits(c.conversationId)).toEqual([
      "conversation.assigned",
      "conversation.assigned",
      "conversation.assigned",
    ]);
    // Unknown fields are refused by name (mass assignment).
    await expect(
      assignConversation({
        ctx: as(ws.supervisor),
        input: { conversationId: c.conversationId, status: "resolved" } as never,
      }),
    ).rejects.toBeInstanceOf(ZodError);
  });

  it("a transfer moves the conversation to another team, out of the old team's sight", async () => {
    const c = await customer();
    await expect(
      assignConversation({
        ctx: as(ann),
        input: { conversationId: c.conversationId, team_id: ws.otherTeamId },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await assignConversation({
      ctx: as(ws.supervisor),
      input: { conversationId: c.conversationId, team_id: ws.otherTeamId, assignee_id: idOf(ws.agent) },
    });
    const moved = await getConversation({ ctx: as(ws.agent), input: { id: c.conversationId } });
    expect(moved).toMatchObject({ team_id: ws.otherTeamId, assignee_id: idOf(ws.agent) });
    await expect(getConversation({ ctx: as(ann), input: { id: c.conversationId } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await timelineTypes(c.conversationId)).toEqual(["transferred"]);
    const [cycle] = await getDb().execute<{ team_id: string }>(
      sql`select team_id from conversation_cycles where conversation_id = ${c.conversationId}`,
    );
    expect(cycle?.team_id).toBe(ws.otherTeamId);
  });
});

describe("resolve, reopen and work cycles", () => {
  it("resolve closes the cycle; the customer writing again reopens it; an agent's reply ends the wait", async () => {
    const c = await customer();
    expect((await getConversation({ ctx: as(ann), input: { id: c.conversationId } })).waiting_since).not.toBe(
      null,
    );
    await sendMessage({
      ctx: as(ann),
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `reply-${c.conversationId}`,
        message: { type: "text", text: "Hi, how can I help?" },
      },
    });
    const answered = await getConversation({ ctx: as(ann), input: { id: c.conversationId } });
    expect(answered.waiting_since).toBe(null);
    expect(await resolveConversation({ ctx: as(ann), input: { conversationId: c.conversationId } })).toEqual({
      status: "resolved",
    });
    // Twice is harmless: no second event.
    await resolveConversation({ ctx: as(ann), input: { conversationId: c.conversationId } });
    expect(await cycles(c.conversationId)).toEqual([{ reopened: false, resolved: true, responded: true }]);

    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "One more thing",
      numberId: ws.numberA.phoneNumberId,
    });
    await waitFor(async () => {
      const now = await getConversation({ ctx: as(ann), input: { id: c.conversationId } });
      return now.status === "open" && now.waiting_since !== null;
    });
    expect(await cycles(c.conversationId)).toEqual([
      { reopened: false, resolved: true, responded: true },
      { reopened: true, resolved: false, responded: false },
    ]);
    await resolveConversation({ ctx: as(ann), input: { conversationId: c.conversationId } });
    await reopenConversation({ ctx: as(ann), input: { conversationId: c.conversationId } });
    expect(await timelineTypes(c.conversationId)).toEqual(["resolved", "resolved", "reopened"]);
    expect(await audits(c.conversationId)).toEqual([
      "conversation.resolved",
      "conversation.resolved",
      "conversation.reopened",
    ]);
    await expect(
      resolveConversation({ ctx: as(ws.agent), input: { conversationId: c.conversationId } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("snooze", () => {
  it("until a time (woken by the minutely job) or until the customer writes", async () => {
    const c = await customer();
    await expect(
      snoozeConversation({
        ctx: as(ann),
        input: { conversationId: c.conversationId, until: new Date(Date.now() - 1000).toISOString() },
      }),
    ).rejects.toMatchObject({ details: { field: "until" } });
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      await snoozeConversation({ ctx: as(ann), input: { conversationId: c.conversationId, until } }),
    ).toEqual({
      status: "snoozed",
      snoozed_until: until,
    });
    expect(await wakeSnoozedConversations({ ctx: system })).toBe(0);
    await getDb().execute(
      sql`update conversations set snoozed_until = now() - interval '1 second' where id = ${c.conversationId}`,
    );
    expect(await wakeSnoozedConversations({ ctx: system })).toBeGreaterThanOrEqual(1);
    expect((await getConversation({ ctx: as(ann), input: { id: c.conversationId } })).status).toBe("open");

    await snoozeConversation({ ctx: as(ann), input: { conversationId: c.conversationId, until: null } });
    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "Back again",
      numberId: ws.numberA.phoneNumberId,
    });
    await waitFor(
      async () =>
        (await getConversation({ ctx: as(ann), input: { id: c.conversationId } })).status === "open",
    );
    expect(await timelineTypes(c.conversationId)).toEqual(["snoozed", "snooze_ended", "snoozed"]);
    await resolveConversation({ ctx: as(ann), input: { conversationId: c.conversationId } });
    await expect(
      snoozeConversation({ ctx: as(ann), input: { conversationId: c.conversationId, until: null } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("labels, priority and notes", () => {
  it("labels come from a managed catalogue and go on and off conversations", async () => {
    const c = await customer();
    await expect(createLabel({ ctx: as(ann), input: { name: "VIP" } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const vip = await createLabel({ ctx: system, input: { name: "VIP", color: "#dc2626" } });
    await expect(createLabel({ ctx: system, input: { name: "vip" } })).rejects.toBeInstanceOf(ConflictError);
    await expect(createLabel({ ctx: system, input: { name: "Bad", color: "red" } })).rejects.toBeInstanceOf(
      ZodError,
    );
    await addConversationLabel({
      ctx: as(ann),
      input: { conversationId: c.conversationId, label_id: vip.id },
    });
    await addConversationLabel({
      ctx: as(ann),
      input: { conversationId: c.conversationId, label_id: vip.id },
    });
    expect((await listLabels({ ctx: as(ann) })).find((l) => l.id === vip.id)?.conversations).toBe(1);
    await removeConversationLabel({
      ctx: as(ann),
      input: { conversationId: c.conversationId, labelId: vip.id },
    });
    await expect(
      addConversationLabel({
        ctx: as(ann),
        input: { conversationId: c.conversationId, label_id: "00000000-0000-4000-8000-000000000000" },
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await setConversationPriority({
      ctx: as(ann),
      input: { conversationId: c.conversationId, priority: "urgent" },
    });
    await expect(
      setConversationPriority({
        ctx: as(ann),
        input: { conversationId: c.conversationId, priority: "asap" },
      }),
    ).rejects.toBeInstanceOf(ZodError);
    expect((await getConversation({ ctx: as(ann), input: { id: c.conversationId } })).priority).toBe(
      "urgent",
    );
    expect(await timelineTypes(c.conversationId)).toEqual(["labeled", "unlabeled", "priority_changed"]);
    await deleteLabel({ ctx: system, input: { id: vip.id } });
    expect((await listLabels({ ctx: as(ann) })).some((l) => l.id === vip.id)).toBe(false);
  });

  it("a private note notifies the colleagues it mentions, and refuses one who cannot see the conversation", async () => {
    const c = await customer();
    const note = await addConversationNote({
      ctx: as(ann),
      input: {
        conversationId: c.conversationId,
        body: "@Bob can you check the order?",
        mentions: [idOf(bob)],
      },
    });
    expect(note).toMatchObject({ body: "@Bob can you check the order?", mentions: [idOf(bob)] });
    const bobs = await listNotifications({ ctx: as(bob), input: { unread: "true" } });
    expect(bobs.data[0]).toMatchObject({
      kind: "mention",
      conversation_id: c.conversationId,
      actor: { id: idOf(ann), name: "Ann Agent" },
    });
    const refused = addConversationNote({
      ctx: as(ann),
      input: { conversationId: c.conversationId, body: "@Al look", mentions: [idOf(ws.agent)] },
    });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/Al Agent cannot see this conversation/);
    const timeline = await listTimeline({ ctx: as(ann), input: { conversationId: c.conversationId } });
    expect(timeline.data).toMatchObject([
      { type: "note", actor_name: "Ann Agent", data: { body: "@Bob can you check the order?" } },
    ]);
  });
});

describe("canned responses", () => {
  it("personal ones for everyone, shared ones managed by supervisors, shortcuts unique per owner", async () => {
    const mine = await createCannedResponse({
      ctx: as(ann),
      input: { shortcut: "thanks", title: "Thanks", body: "Thanks {{contact.first_name}}!" },
    });
    await expect(
      createCannedResponse({
        ctx: as(ann),
        input: { shortcut: "hours", title: "Hours", body: "9–5", scope: "shared" },
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const shared = await createCannedResponse({
      ctx: as(ws.supervisor),
      input: { shortcut: "hours", title: "Hours", body: "We are open 9–5", scope: "shared" },
    });
    await expect(
      createCannedResponse({ ctx: as(ann), input: { shortcut: "THANKS", title: "Again", body: "x" } }),
    ).rejects.toBeInstanceOf(ConflictError);
    // Bob sees the shared one, not Ann's; he cannot edit either.
    expect((await listCannedResponses({ ctx: as(bob) })).map((r) => r.shortcut)).toContain("hours");
    expect((await listCannedResponses({ ctx: as(bob) })).map((r) => r.id)).not.toContain(mine.id);
    await expect(
      updateCannedResponse({ ctx: as(bob), input: { id: mine.id, title: "Mine now" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateCannedResponse({ ctx: as(bob), input: { id: shared.id, title: "Hacked" } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(
      (await updateCannedResponse({ ctx: as(ann), input: { id: mine.id, body: "Thank you!" } })).body,
    ).toBe("Thank you!");
    await deleteCannedResponse({ ctx: as(ws.supervisor), input: { id: shared.id } });
    expect((await listCannedResponses({ ctx: as(bob) })).map((r) => r.id)).not.toContain(shared.id);
  });
});

describe("auto-resolve", () => {
  it("resolves open conversations idle past the setting where nobody is waiting, never held ones", async () => {
    const [idle, waiting, held] = [await customer(), await customer(), await customer()];
    await getDb().execute(sql`
      update conversations set last_message_at = now() - interval '3 hours',
        waiting_since = case when id = ${waiting.conversationId} then now() - interval '3 hours' else null end,
        legal_hold_at = case when id = ${held.conversationId} then now() else null end
      where id in (${idle.conversationId}, ${waiting.conversationId}, ${held.conversationId})`);
    expect(await autoResolveInactive({ ctx: system })).toBe(0);
    await setSetting({ ctx: system, input: { key: "conversations.auto_resolve_after_hours", value: 2 } });
    expect(await autoResolveInactive({ ctx: system })).toBeGreaterThanOrEqual(1);
    const rows = await getDb().execute<{ id: string; status: string }>(sql`
      select id, status::text as status from conversations
      where id in (${idle.conversationId}, ${waiting.conversationId}, ${held.conversationId})`);
    const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      [idle.conversationId]: "resolved",
      [waiting.conversationId]: "open",
      [held.conversationId]: "open",
    });
    await setSetting({ ctx: system, input: { key: "conversations.auto_resolve_after_hours", value: null } });
  });
});
