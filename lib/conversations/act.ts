import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { assertCan, can, type Permission } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import type { ConversationChanged } from "@/lib/realtime/events";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { emitIntegrationEvent, isIntegrationEvent } from "@/lib/integrations";
import { routeTeams } from "@/lib/routing";
import { touchConversation, type ConversationTouch } from "./touch-conversation";
import { isUuid } from "@/lib/utils/ids";

/** The conversation as an action sees it, locked for the rest of the transaction. */
export type LockedConversation = {
  id: string;
  contact_id: string;
  phone_number_id: string;
  team_id: string | null;
  assignee_id: string | null;
  status: "bot" | "open" | "snoozed" | "resolved";
  priority: "low" | "normal" | "high" | "urgent";
  snoozed_until: string | null;
};

/** What an action did: a timeline row and an audit row (both optional), and its result. */
export type ActionOutcome<T> = {
  result: T;
  /** Nothing to do (already in that state): no event, no audit, no publish. */
  unchanged?: boolean;
  event?: { type: string; data?: Record<string, unknown> };
  audit?: { action: string; data?: Record<string, unknown> };
  reason?: ConversationChanged["reason"];
};

type Publication = ConversationTouch & { reason: ConversationChanged["reason"] };

/**
 * The one shape of every conversation action (assign, resolve, snooze, label, note...): lock the row, check
 * the permission against its team and assignee (out of scope looks missing: 404, no IDOR), act, then write
 * the timeline event and the audit row in the same transaction, and publish to the rooms before and after
 * the change once committed.
 */
export async function actOnConversation<T>(
  ctx: Ctx,
  input: { conversationId: string; permission: Permission },
  act: (tx: Tx, conversation: LockedConversation) => Promise<ActionOutcome<T>>,
): Promise<T> {
  assertCan(ctx.actor, input.permission);
  if (!isUuid(input.conversationId)) throw new NotFoundError("Conversation");
  const done = await withTransaction(ctx, async (tx) => {
    const [conversation] = await tx.execute<LockedConversation>(sql`
      select id, contact_id, phone_number_id, team_id, assignee_id, status, priority, snoozed_until
      from conversations where id = ${input.conversationId} for update`);
    if (!conversation) throw new NotFoundError("Conversation");
    const scope = { teamId: conversation.team_id, assigneeId: conversation.assignee_id };
    if (!can(ctx.actor, "conversations:read", scope)) throw new NotFoundError("Conversation");
    assertCan(ctx.actor, input.permission, scope);
    const outcome = await act(tx, conversation);
    if (outcome.unchanged) return { result: outcome.result, touches: [] as Publication[] };
    const at = new Date();
    if (outcome.event)
      await tx.execute(sql`
        insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
        values (${conversation.id}, ${outcome.event.type}, ${ctx.actor.type}, ${actorId(ctx.actor)},
                ${JSON.stringify(outcome.event.data ?? null)}::jsonb, ${at.toISOString()}::timestamptz)`);
    const integration = `conversation.${outcome.event?.type}`;
    if (outcome.event && isIntegrationEvent(integration))
      await emitIntegrationEvent(tx, integration, {
        conversation_id: conversation.id,
        actor: { type: ctx.actor.type, id: actorId(ctx.actor) },
        ...outcome.event.data,
      });
    const after = await touchConversation(tx, conversation.id);
    // Last: the audit chain's lock is held from here to the commit, and every writer waits on it.
    if (outcome.audit)
      await emitAudit(tx, ctx.actor, {
        action: outcome.audit.action,
        entityType: "conversation",
        entityId: conversation.id,
        data: outcome.audit.data,
      });
    const touches: Publication[] = [];
    const reason = outcome.reason ?? "change";
    if (after) {
      touches.push({ ...after, reason });
      // Whoever could see it before the change (the old team or assignee) hears that it left them.
      if (after.teamId !== conversation.team_id || after.assigneeId !== conversation.assignee_id)
        touches.push({
          ...after,
          teamId: conversation.team_id,
          assigneeId: conversation.assignee_id,
          reason,
        });
    }
    return { result: outcome.result, touches };
  });
  for (const touch of done.touches) await publishConversationChanged(touch);
  // Capacity freed or a conversation queued (resolve, unassign, transfer, reopen): the router acts now.
  if (done.touches.length > 0) await routeTeams(done.touches.map((t) => t.teamId));
  return done.result;
}

export function actorId(actor: Actor): string {
  return actor.type === "user" ? actor.id : actor.name;
}
