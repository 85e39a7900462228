import { sql } from "drizzle-orm";
import { emitAuditBatch, type AuditEntry } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { syncCycleOwner, touchConversation, type ConversationTouch } from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { createNotifications } from "@/lib/notifications";
import { publishConversationChanged } from "@/lib/realtime/publish";

export type AutoAssignment = { conversationId: string; userId: string; load: number; capacity: number };

// One run hands out at most this many; a bigger backlog continues on the next trigger or safety tick.
const MAX_PER_RUN = 200;

/**
 * Gives the team's waiting conversations (open, unassigned; highest priority, then longest waiting first)
 * to its online members with free capacity, by the team's policy: round robin (whoever got one longest
 * ago) or least loaded. A per-team advisory lock makes concurrent runs take turns, and each conversation
 * is locked with SKIP LOCKED and rechecked, so no conversation ever goes to two agents.
 */
export async function autoAssignTeam({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { teamId: string };
}): Promise<AutoAssignment[]> {
  assertCan(ctx.actor, "conversations:assign");
  const done = await withTransaction(ctx, async (tx) => {
    const [team] = await tx.execute<{ policy: "manual" | "round_robin" | "least_loaded" }>(
      sql`select assignment_policy as policy from teams where id = ${input.teamId}`,
    );
    if (!team || team.policy === "manual") return { assignments: [], touches: [], notify: [] };
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`route:${input.teamId}`}))`);
    const assignments: AutoAssignment[] = [];
    const touches: ConversationTouch[] = [];
    const audits: AuditEntry[] = [];
    for (let i = 0; i < MAX_PER_RUN; i++) {
      const [conversation] = await tx.execute<{ id: string }>(sql`
        select id from conversations
        where team_id = ${input.teamId} and status = 'open' and assignee_id is null
        order by priority desc, waiting_since asc nulls last, created_at asc
        limit 1 for update skip locked`);
      if (!conversation) break;
      const agent = await pickAgent(tx, input.teamId, team.policy);
      if (!agent) break;
      audits.push(await giveTo(tx, conversation.id, input.teamId, agent, team.policy));
      assignments.push({ conversationId: conversation.id, ...agent });
      const touch = await touchConversation(tx, conversation.id);
      if (touch) touches.push(touch);
    }
    const created = await createNotifications(
      tx,
      assignments.map((a) => ({
        userId: a.userId,
        kind: "assigned" as const,
        conversationId: a.conversationId,
        actorId: "router",
      })),
    );
    // Last, in one append: the audit chain's lock is held from here to the commit, and every writer waits on it.
    await emitAuditBatch(tx, { type: "system", name: "router" }, audits);
    return { assignments, touches, notify: [created.publish] };
  });
  for (const touch of done.touches) {
    await publishConversationChanged({ ...touch, reason: "assignment" });
    // The team's queue lost it too (it was unassigned there).
    await publishConversationChanged({ ...touch, assigneeId: null, reason: "assignment" });
  }
  for (const publish of done.notify) await publish();
  return done.assignments;
}

type Agent = { userId: string; load: number; capacity: number };

async function pickAgent(
  tx: Tx,
  teamId: string,
  policy: "round_robin" | "least_loaded",
): Promise<Agent | null> {
  const order =
    policy === "least_loaded"
      ? sql`load::float / greatest(capacity, 1) asc, last_assigned_at asc nulls first, user_id`
      : sql`last_assigned_at asc nulls first, user_id`;
  const [agent] = await tx.execute<{ user_id: string; load: number; capacity: number }>(sql`
    select * from (
      select m.user_id, m.capacity, m.last_assigned_at,
        (select count(*)::int from conversations c
         where c.assignee_id = m.user_id and c.team_id = ${teamId} and c.status = 'open') as load
      from team_members m join users u on u.id = m.user_id
      where m.team_id = ${teamId} and u.availability = 'online' and u.disabled_at is null
    ) members
    where load < capacity
    order by ${order}
    limit 1`);
  return agent ? { userId: agent.user_id, load: agent.load, capacity: agent.capacity } : null;
}

/** Assigns, records the timeline event and returns the audit entry for the caller to append. */
async function giveTo(
  tx: Tx,
  conversationId: string,
  teamId: string,
  agent: Agent,
  policy: string,
): Promise<AuditEntry> {
  await tx.execute(sql`
    update conversations set assignee_id = ${agent.userId}, assigned_at = now() where id = ${conversationId}`);
  await tx.execute(sql`
    update team_members set last_assigned_at = clock_timestamp() where team_id = ${teamId} and user_id = ${agent.userId}`);
  await syncCycleOwner(tx, conversationId);
  // Why this agent, for the timeline and the audit log (issue "routing": every automatic assignment says why).
  const reason = { policy, load_before: agent.load, capacity: agent.capacity, availability: "online" };
  const data = { from_assignee: null, to_assignee: agent.userId, team: teamId, reason };
  await tx.execute(sql`
    insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
    values (${conversationId}, 'assigned', 'system', 'router', ${JSON.stringify(data)}::jsonb, now())`);
  return { action: "conversation.auto_assigned", entityType: "conversation", entityId: conversationId, data };
}

/**
 * Runs the router for teams whose queue or capacity just changed (after commit). Never throws: routing is
 * a follow-up, the change that triggered it already succeeded; the safety tick catches what this misses.
 */
export async function routeTeams(teamIds: (string | null | undefined)[]): Promise<void> {
  for (const teamId of new Set(teamIds.filter((id): id is string => Boolean(id)))) {
    try {
      await autoAssignTeam({ ctx: { actor: { type: "system", name: "router" } }, input: { teamId } });
    } catch (error) {
      console.error(`[routing] team ${teamId}: ${(error as Error).message}`);
    }
  }
}

/** The safety net (every minute on the workers): every automatically routed team once. */
export async function routeAllTeams({ ctx }: { ctx: Ctx }): Promise<number> {
  assertCan(ctx.actor, "conversations:assign");
  const teams = await withTransaction(ctx, (tx) =>
    tx.execute<{ id: string }>(sql`select id from teams where assignment_policy <> 'manual'`),
  );
  let assigned = 0;
  for (const team of teams) assigned += (await autoAssignTeam({ ctx, input: { teamId: team.id } })).length;
  return assigned;
}
