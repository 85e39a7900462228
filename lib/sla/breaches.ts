import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { touchConversation, type ConversationTouch } from "@/lib/conversations";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { createNotifications } from "@/lib/notifications";
import { publishConversationChanged } from "@/lib/realtime/publish";

type Due = {
  id: string;
  team_id: string | null;
  first_response_due_at: string | null;
  next_response_due_at: string | null;
  resolution_due_at: string | null;
};

const KINDS = [
  ["first_response", "first_response_due_at"],
  ["next_response", "next_response_due_at"],
  ["resolution", "resolution_due_at"],
] as const;

/**
 * The SLA tick (every minute on the workers): clocks that ran out become breaches: the clock is cleared,
 * the conversation marked, a timeline row written and the team's supervisors (its managers, else every
 * supervisor) notified. Each clock breaches once.
 */
export async function recordSlaBreaches({ ctx }: { ctx: Ctx }): Promise<number> {
  assertCan(ctx.actor, "ingest:apply");
  const done = await withTransaction(ctx, async (tx) => {
    const due = await tx.execute<Due>(sql`
      select id, team_id, first_response_due_at, next_response_due_at, resolution_due_at from conversations
      where least(first_response_due_at, next_response_due_at, resolution_due_at) <= now()
        and (first_response_due_at is not null or next_response_due_at is not null or resolution_due_at is not null)
      order by least(first_response_due_at, next_response_due_at, resolution_due_at)
      limit 500 for update skip locked`);
    const touches: ConversationTouch[] = [];
    const notices: Parameters<typeof createNotifications>[1] = [];
    const now = Date.now();
    for (const row of due) {
      const breached = KINDS.filter(([, column]) => row[column] && new Date(row[column]!).getTime() <= now);
      for (const [kind, column] of breached) {
        await tx.execute(sql`
          update conversations set ${sql.raw(column)} = null, sla_breached_at = coalesce(sla_breached_at, now())
          where id = ${row.id}`);
        await tx.execute(sql`
          update conversation_cycles set sla_breached = true where conversation_id = ${row.id} and resolved_at is null`);
        await tx.execute(sql`
          insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
          values (${row.id}, 'sla_breached', 'system', 'sla', ${JSON.stringify({ kind, due_at: row[column] })}::jsonb, now())`);
        const supervisors = await tx.execute<{ id: string }>(sql`
          select u.id from users u where u.disabled_at is null and (
            (${row.team_id}::uuid is not null and exists (
              select 1 from team_members m where m.user_id = u.id and m.team_id = ${row.team_id} and m.is_manager))
            or (${row.team_id}::uuid is null and u.role = 'supervisor'))`);
        for (const s of supervisors)
          notices.push({
            userId: s.id,
            kind: "sla_breached",
            conversationId: row.id,
            actorId: "sla",
            data: { kind },
          });
      }
      const touch = await touchConversation(tx, row.id);
      if (touch) touches.push(touch);
    }
    const created = await createNotifications(tx, notices);
    return { touches, publish: created.publish };
  });
  for (const touch of done.touches) await publishConversationChanged({ ...touch, reason: "change" });
  await done.publish();
  return done.touches.length;
}
