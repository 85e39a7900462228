import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { resolveConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace, waitFor } from "@/tests/int/sim-workspace";
import {
  autoAssignTeam,
  markAbsentAway,
  markPresent,
  routeAllTeams,
  setMemberCapacity,
  setMyAvailability,
  setTeamRouting,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("83");

let seq = 0;
let teamId: string;
let agents: Actor[];
const idOf = (a: Actor) => (a.type === "user" ? a.id : "");

/** A fresh team of `n` online agents with the given capacity (each test gets its own queue). */
async function freshTeam(n: number, capacity: number, policy: "round_robin" | "least_loaded") {
  const team = await createTeam({ ctx: system, input: { name: `Routing ${seq++}` } });
  const members: Actor[] = [];
  for (let i = 0; i < n; i++) {
    const user = await createUser({
      ctx: system,
      input: {
        email: `agent-${seq}-${i}-83@example.com`,
        name: `Agent ${seq}-${i}`,
        role: "agent",
        password: "correct horse battery",
        teamIds: [team.id],
      },
    });
    const actor: Actor = { type: "user", id: user.id, role: "agent", teamIds: [team.id] };
    await setMyAvailability({ ctx: { actor }, input: { availability: "online" } });
    await setMemberCapacity({ ctx: system, input: { teamId: team.id, userId: user.id, capacity } });
    members.push(actor);
  }
  await setTeamRouting({ ctx: system, input: { teamId: team.id, policy } });
  return { teamId: team.id, agents: members };
}

/** `count` open, unassigned conversations waiting in the team, oldest first by index. */
async function waiting(team: string, count: number): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, i) => ({
    phone: `4479${String(seq++).padStart(8, "0")}`,
    i,
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const contacts = await getDb().execute<{ id: string }>(sql`
      insert into contacts (waba_id, phone)
      select ${ws.numberA.wabaId}, unnest(${`{${batch.map((r) => r.phone).join(",")}}`}::text[]) returning id`);
    const convs = await getDb().execute<{ id: string }>(sql`
      insert into conversations (contact_id, phone_number_id, team_id, status, waiting_since)
      select c, ${ws.ids.A}, ${team}, 'open', now() - make_interval(secs => ${count} - o)
      from unnest(${`{${contacts.map((c) => c.id).join(",")}}`}::uuid[]) with ordinality as x(c, o)
      returning id`);
    ids.push(...convs.map((c) => c.id));
  }
  return ids;
}

async function loads(team: string) {
  const rows = await getDb().execute<{ assignee_id: string; n: number }>(sql`
    select assignee_id, count(*)::int as n from conversations
    where team_id = ${team} and status = 'open' and assignee_id is not null group by assignee_id`);
  return new Map(rows.map((r) => [r.assignee_id, r.n]));
}

async function drainQueue(team: string) {
  for (let i = 0; i < 20; i++)
    if ((await autoAssignTeam({ ctx: system, input: { teamId: team } })).length === 0) return;
}

describe("automatic assignment", () => {
  beforeEach(() => {
    teamId = "";
    agents = [];
  });

  it("round robin spreads 1,000 conversations over 5 agents within ±1, each with its reason", async () => {
    ({ teamId, agents } = await freshTeam(5, 1000, "round_robin"));
    await waiting(teamId, 1000);
    await drainQueue(teamId);
    const byAgent = await loads(teamId);
    const counts = agents.map((a) => byAgent.get(idOf(a)) ?? 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    const [event] = await getDb().execute<{ data: { reason: { policy: string } } }>(sql`
      select e.data from conversation_events e join conversations c on c.id = e.conversation_id
      where c.team_id = ${teamId} and e.type = 'assigned' limit 1`);
    expect(event?.data.reason).toMatchObject({
      policy: "round_robin",
      capacity: 1000,
      availability: "online",
    });
    const [audit] = await getDb().execute<{ n: number }>(sql`
      select count(*)::int as n from audit_log a join conversations c on c.id::text = a.entity_id
      where a.action = 'conversation.auto_assigned' and c.team_id = ${teamId}`);
    expect(audit?.n).toBe(1000);
  });

  it("least loaded respects capacity, skips agents who are not online, and refills the moment capacity frees", async () => {
    ({ teamId, agents } = await freshTeam(3, 2, "least_loaded"));
    const [a, b, c] = agents as [Actor, Actor, Actor];
    await setMyAvailability({ ctx: { actor: c }, input: { availability: "away" } });
    await setMemberCapacity({ ctx: system, input: { teamId, userId: idOf(b), capacity: 3 } });
    const ids = await waiting(teamId, 8);
    await drainQueue(teamId);
    let byAgent = await loads(teamId);
    expect([byAgent.get(idOf(a)), byAgent.get(idOf(b)), byAgent.get(idOf(c))]).toEqual([2, 3, undefined]);
    // The oldest five went first; three still wait.
    const assigned = await getDb().execute<{ id: string }>(
      sql`select id from conversations where team_id = ${teamId} and assignee_id is not null`,
    );
    expect(assigned.map((r) => r.id).sort()).toEqual(ids.slice(0, 5).sort());

    // Resolving frees a slot: by the time the resolve returns, the next waiting conversation is A's.
    const [mine] = await getDb().execute<{ id: string }>(
      sql`select id from conversations where assignee_id = ${idOf(a)} limit 1`,
    );
    await resolveConversation({ ctx: { actor: a }, input: { conversationId: mine!.id } });
    byAgent = await loads(teamId);
    expect(byAgent.get(idOf(a))).toBe(2);
    const [next] = await getDb().execute<{ assignee_id: string }>(
      sql`select assignee_id from conversations where id = ${ids[5]!}`,
    );
    expect(next?.assignee_id).toBe(idOf(a));
    // Coming online pulls work at once.
    await setMyAvailability({ ctx: { actor: c }, input: { availability: "online" } });
    expect((await loads(teamId)).get(idOf(c))).toBe(2);
  });

  it("never gives one conversation to two agents when assigners race (200 rounds)", async () => {
    ({ teamId, agents } = await freshTeam(2, 1000, "round_robin"));
    for (let round = 0; round < 200; round++) {
      const [id] = await waiting(teamId, 1);
      await Promise.all([
        autoAssignTeam({ ctx: system, input: { teamId } }),
        autoAssignTeam({ ctx: system, input: { teamId } }),
        routeAllTeams({ ctx: system }),
      ]);
      const events = await getDb().execute<{ n: number }>(
        sql`select count(*)::int as n from conversation_events where conversation_id = ${id!} and type = 'assigned'`,
      );
      expect(events[0]?.n, `round ${round}`).toBe(1);
    }
    const total = [...(await loads(teamId)).values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(200);
  });

  it("a customer writing to a routed team is assigned as the message lands", async () => {
    await setTeamRouting({ ctx: system, input: { teamId: ws.teamId, policy: "round_robin" } });
    const user = await createUser({
      ctx: system,
      input: {
        email: "online-83@example.com",
        name: "Olive Online",
        role: "agent",
        password: "correct horse battery",
        teamIds: [ws.teamId],
      },
    });
    const olive: Actor = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
    await setMyAvailability({ ctx: { actor: olive }, input: { availability: "online" } });
    const c = await customer({ text: "Anyone there?" });
    await waitFor(async () => {
      const [row] = await getDb().execute<{ assignee_id: string | null }>(
        sql`select assignee_id from conversations where id = ${c.conversationId}`,
      );
      return row?.assignee_id === user.id;
    });
    await setTeamRouting({ ctx: system, input: { teamId: ws.teamId, policy: "manual" } });
  });

  it("sets online agents away when none of their tabs has been open for the auto-away time", async () => {
    ({ teamId, agents } = await freshTeam(2, 5, "round_robin"));
    const [gone, here] = agents.map(idOf) as [string, string];
    await getDb().execute(sql`
      update users set presence_seen_at = now() - interval '11 minutes', availability_changed_at = now() - interval '1 hour'
      where id in (${gone}, ${here})`);
    await markPresent([here]);
    const away = await markAbsentAway({ ctx: system });
    expect(away).toContain(gone);
    expect(away).not.toContain(here);
    const rows = await getDb().execute<{ id: string; availability: string }>(
      sql`select id, availability::text as availability from users where id in (${gone}, ${here})`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.availability]))).toEqual({
      [gone]: "away",
      [here]: "online",
    });
  });
});
