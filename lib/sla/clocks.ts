import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { addBusinessMinutes, type WeeklyHours } from "./business-time";

type Policy = {
  id: string;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  hours: WeeklyHours | null;
};

/** The most specific active policy for a conversation: team+number, team, number, then the default. */
async function policyFor(tx: Tx, conversationId: string): Promise<Policy | null> {
  const [policy] = await tx.execute<Policy>(policySelect(conversationId));
  return policy ?? null;
}

function policySelect(conversationId: string) {
  return sql`
    select p.id, p.first_response_minutes, p.next_response_minutes, p.resolution_minutes,
      case when h.id is null then null
           else json_build_object('timezone', h.timezone, 'weekly', h.weekly, 'holidays', h.holidays) end as hours
    from conversations c
    join sla_policies p on p.active
      and (p.team_id is null or p.team_id = c.team_id)
      and (p.phone_number_id is null or p.phone_number_id = c.phone_number_id)
    left join business_hours h on h.id = p.business_hours_id
    where c.id = ${conversationId}
    order by (p.team_id is not null) desc, (p.phone_number_id is not null) desc, p.created_at
    limit 1`;
}

/**
 * A customer started waiting at `at`: the first-response clock runs if nobody has answered in this cycle
 * yet, else the next-response clock; a new cycle also starts the resolution clock. Clocks already running
 * keep their deadline.
 */
export async function startSlaClocks(tx: Tx, input: { conversationId: string; at: Date; newCycle: boolean }) {
  // Most policies run on the clock, not on business hours: their deadlines are computed in the same
  // statement that finds the policy (one round trip per new wait). Business hours need addBusinessMinutes.
  const at = input.at.toISOString();
  const [found] = await tx.execute<{ business_hours: boolean }>(sql`
    with policy as (
      ${policySelect(input.conversationId)}
    ), plain as (
      update conversations c set
        first_response_due_at = case when y.first_response_at is null
          then coalesce(c.first_response_due_at, ${at}::timestamptz + make_interval(mins => p.first_response_minutes))
          else null end,
        next_response_due_at = case when y.first_response_at is not null
          then coalesce(c.next_response_due_at, ${at}::timestamptz + make_interval(mins => p.next_response_minutes))
          else null end,
        resolution_due_at = case when ${input.newCycle}
          then ${at}::timestamptz + make_interval(mins => p.resolution_minutes) else c.resolution_due_at end
      from conversation_cycles y, policy p
      where p.hours is null and c.id = ${input.conversationId} and y.conversation_id = c.id and y.resolved_at is null
    )
    select hours is not null as business_hours from policy`);
  if (!found?.business_hours) return;
  const policy = await policyFor(tx, input.conversationId);
  if (!policy) return;
  const due = (minutes: number | null) =>
    minutes === null ? null : addBusinessMinutes(policy.hours, input.at, minutes).toISOString();
  await tx.execute(sql`
    update conversations c set
      first_response_due_at = case when y.first_response_at is null
        then coalesce(c.first_response_due_at, ${due(policy.first_response_minutes)}::timestamptz) else null end,
      next_response_due_at = case when y.first_response_at is not null
        then coalesce(c.next_response_due_at, ${due(policy.next_response_minutes)}::timestamptz) else null end,
      resolution_due_at = case when ${input.newCycle} then ${due(policy.resolution_minutes)}::timestamptz
        else c.resolution_due_at end
    from conversation_cycles y
    where c.id = ${input.conversationId} and y.conversation_id = c.id and y.resolved_at is null`);
}

/** Someone answered (an agent, or the owner from the phone): the response clocks stop. */
export async function stopResponseClocks(tx: Tx, conversationId: string) {
  await tx.execute(sql`
    update conversations set first_response_due_at = null, next_response_due_at = null
    where id = ${conversationId} and (first_response_due_at is not null or next_response_due_at is not null)`);
}

/** Resolved: every clock stops. */
export async function stopAllClocks(tx: Tx, conversationId: string) {
  await tx.execute(sql`
    update conversations set first_response_due_at = null, next_response_due_at = null, resolution_due_at = null
    where id = ${conversationId}`);
}
