import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { sendMessage } from "@/lib/messaging";
import { listNotifications } from "@/lib/notifications";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import { recordSlaBreaches, saveBusinessHours, saveSlaPolicy } from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("85");

beforeAll(async () => {
  await saveSlaPolicy({
    ctx: system,
    input: {
      name: "Team 85",
      team_id: ws.teamId,
      first_response_minutes: 5,
      next_response_minutes: 10,
      resolution_minutes: 60,
    },
  });
  // A broader default that must lose to the team's own policy.
  await saveSlaPolicy({ ctx: system, input: { name: "Default", first_response_minutes: 600 } });
  const supervisorId = ws.supervisor.type === "user" ? ws.supervisor.id : "";
  await getDb().execute(
    sql`update team_members set is_manager = true where team_id = ${ws.teamId} and user_id = ${supervisorId}`,
  );
});

async function clocks(conversationId: string) {
  const [row] = await getDb().execute<{
    first: string | null;
    next: string | null;
    resolution: string | null;
    breached: string | null;
    last_inbound: string;
  }>(sql`
    select first_response_due_at as first, next_response_due_at as next, resolution_due_at as resolution,
      sla_breached_at as breached, last_inbound_at as last_inbound
    from conversations where id = ${conversationId}`);
  return row!;
}

const minutesAfter = (from: string, to: string | null) =>
  to === null ? null : Math.round((new Date(to).getTime() - new Date(from).getTime()) / 60_000);

describe("SLA clocks", () => {
  it("run from the customer's message, stop on a human answer, and breach once when they run out", async () => {
    const c = await customer({ text: "Hi, my order is late" });
    let now = await clocks(c.conversationId);
    expect(minutesAfter(now.last_inbound, now.first)).toBe(5);
    expect(minutesAfter(now.last_inbound, now.resolution)).toBe(60);
    expect(now.next).toBe(null);

    await sendMessage({
      ctx: { actor: ws.supervisor },
      input: {
        conversationId: c.conversationId,
        idempotencyKey: `sla-${c.conversationId}`,
        message: { type: "text", text: "Looking" },
      },
    });
    now = await clocks(c.conversationId);
    expect(now.first).toBe(null);

    ws.sim.state.customerSend(c.simId, {
      type: "text",
      text: "Any news?",
      numberId: ws.numberA.phoneNumberId,
    });
    await waitFor(async () => (await clocks(c.conversationId)).next !== null);
    now = await clocks(c.conversationId);
    expect(minutesAfter(now.last_inbound, now.next)).toBe(10);

    // The next-response clock runs out.
    await getDb().execute(
      sql`update conversations set next_response_due_at = now() - interval '1 second' where id = ${c.conversationId}`,
    );
    expect(await recordSlaBreaches({ ctx: system })).toBeGreaterThanOrEqual(1);
    expect(await recordSlaBreaches({ ctx: system })).toBe(0);
    now = await clocks(c.conversationId);
    expect(now.next).toBe(null);
    expect(now.breached).not.toBe(null);
    const [event] = await getDb().execute<{ data: { kind: string } }>(
      sql`select data from conversation_events where conversation_id = ${c.conversationId} and type = 'sla_breached'`,
    );
    expect(event?.data.kind).toBe("next_response");
    const notes = await listNotifications({ ctx: { actor: ws.supervisor }, input: {} });
    expect(notes.data.some((n) => n.kind === "sla_breached" && n.conversation_id === c.conversationId)).toBe(
      true,
    );

    await resolveConversation({ ctx: { actor: ws.supervisor }, input: { conversationId: c.conversationId } });
    now = await clocks(c.conversationId);
    expect([now.first, now.next, now.resolution]).toEqual([null, null, null]);
  });

  it("counts the owner's answer from the phone as a response", async () => {
    const c = await customer({ text: "Hello" });
    expect((await clocks(c.conversationId)).first).not.toBe(null);
    ws.sim.state.ownerSend(c.simId, {
      type: "text",
      text: "Hi! Maria here",
      numberId: ws.numberA.phoneNumberId,
    });
    await waitFor(async () => (await clocks(c.conversationId)).first === null);
  });

  it("applies the most specific policy: team and number, then team, then number, then the default", async () => {
    const never = await saveBusinessHours({
      ctx: system,
      input: { name: "Never open 85", timezone: "Europe/Madrid", weekly: {}, holidays: [] },
    });
    await saveSlaPolicy({
      ctx: system,
      input: {
        name: "Number B",
        number_id: ws.ids.B,
        first_response_minutes: 7,
        business_hours_id: never.id,
      },
    });
    const c = await customer({ number: "B", text: "hola" });
    let now = await clocks(c.conversationId);
    expect(minutesAfter(now.last_inbound, now.first)).toBe(5);
    await saveSlaPolicy({
      ctx: system,
      input: { name: "Team 85 on B", team_id: ws.teamId, number_id: ws.ids.B, first_response_minutes: 9 },
    });
    const d = await customer({ number: "B", text: "hola otra vez" });
    now = await clocks(d.conversationId);
    expect(minutesAfter(now.last_inbound, now.first)).toBe(9);
  });
});
