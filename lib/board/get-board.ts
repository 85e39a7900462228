import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import type { Board, BoardAgent, BoardConversation, BoardQueue } from "./schemas";

// A running SLA clock this close to its deadline counts as "at risk" on the board.
const AT_RISK_MINUTES = 15;
// The board lists open conversations to drag between agents; past this many it lists the oldest waiting.
const MAX_CONVERSATIONS = 300;

/**
 * The supervisor's live board in two indexed queries: queues per team and number (waiting, longest wait,
 * SLA at risk and breached, in bot, open, snoozed) and agents (availability and since when, load against
 * capacity per team, open conversations, last message sent). Supervisors see their teams; admins all.
 * A third query lists the open conversations themselves (waiting first), for reassigning by drag or menu.
 */
export async function getBoard({ ctx }: { ctx: Ctx }): Promise<Board> {
  assertCan(ctx.actor, "conversations:assign");
  const actor = ctx.actor;
  const all = actor.type === "system" || actor.role === "admin";
  const teams = actor.type === "user" ? `{${actor.teamIds.join(",")}}` : "{}";
  const teamScope = all ? sql`` : sql`and (c.team_id = any(${teams}::uuid[]) or c.team_id is null)`;
  const db = dbOf(ctx);
  const queues = await db.execute<BoardQueue>(sql`
    select c.team_id, coalesce(t.name, 'No team') as team_name, n.id as number_id, n.display_number,
      count(*) filter (where c.status = 'open' and c.assignee_id is null)::int as waiting,
      min(c.waiting_since) filter (where c.status = 'open' and c.assignee_id is null) as longest_wait_since,
      count(*) filter (where c.status = 'open')::int as open,
      count(*) filter (where c.status = 'bot')::int as bot,
      count(*) filter (where c.status = 'snoozed')::int as snoozed,
      count(*) filter (where least(c.first_response_due_at, c.next_response_due_at, c.resolution_due_at)
                       <= now() + make_interval(mins => ${AT_RISK_MINUTES}))::int as sla_at_risk,
      count(*) filter (where c.sla_breached_at is not null and c.status <> 'resolved')::int as sla_breached
    from conversations c
    join phone_numbers n on n.id = c.phone_number_id
    left join teams t on t.id = c.team_id
    where c.status <> 'resolved' ${teamScope}
    group by c.team_id, t.name, n.id, n.display_number
    order by waiting desc, team_name`);
  const memberScope = all ? sql`` : sql`and m.team_id = any(${teams}::uuid[])`;
  const agents = await db.execute<BoardAgent>(sql`
    select u.id as user_id, u.name, u.availability::text as availability, u.availability_changed_at as availability_since,
      json_agg(json_build_object('team_id', m.team_id, 'team_name', (select name from teams t where t.id = m.team_id), 'capacity', m.capacity,
        'load', (select count(*)::int from conversations c where c.assignee_id = u.id and c.team_id = m.team_id and c.status = 'open'))
        order by m.team_id) as teams,
      (select count(*)::int from conversations c where c.assignee_id = u.id and c.status = 'open') as open,
      (select max(created_at) from messages x where x.author_id = u.id) as last_activity_at
    from users u join team_members m on m.user_id = u.id
    where u.disabled_at is null ${memberScope}
    group by u.id
    order by u.availability = 'online' desc, lower(u.name)`);
  const conversations = await db.execute<BoardConversation>(sql`
    select c.id, coalesce(k.address_book_name, k.profile_name, k.username, k.phone, k.bsuid, 'Unknown') as contact_name,
      c.team_id, c.phone_number_id as number_id, c.assignee_id, c.priority::text as priority, c.waiting_since,
      least(c.first_response_due_at, c.next_response_due_at, c.resolution_due_at) as sla_due_at,
      c.sla_breached_at is not null as sla_breached, c.last_message_preview
    from conversations c join contacts k on k.id = c.contact_id
    where c.status = 'open' ${teamScope}
    order by c.assignee_id nulls first, c.waiting_since nulls last, c.id
    limit ${MAX_CONVERSATIONS + 1}`);
  return {
    conversations: conversations.slice(0, MAX_CONVERSATIONS).map((c) => ({
      ...c,
      waiting_since: iso(c.waiting_since),
      sla_due_at: iso(c.sla_due_at),
    })),
    conversations_truncated: conversations.length > MAX_CONVERSATIONS,
    queues: queues.map((q) => ({ ...q, longest_wait_since: iso(q.longest_wait_since) })),
    agents: agents.map((a) => ({
      ...a,
      availability_since: iso(a.availability_since),
      last_activity_at: iso(a.last_activity_at),
    })),
  };
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
