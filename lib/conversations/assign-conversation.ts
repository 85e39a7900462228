import { sql } from "drizzle-orm";
import { can } from "@/lib/auth/permissions";
import type { Tx } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { createNotifications } from "@/lib/notifications";
import { actOnConversation, actorId, type LockedConversation } from "./act";
import { syncCycleOwner } from "./cycles";
import { assignInput, type AssignInput } from "./schemas";

type Assignment = { assignee_id: string | null; team_id: string | null };

/**
 * Assign to a person and/or move to a team (a transfer). Agents may only take an unassigned conversation
 * for themselves or give back their own; anything else (assigning others, changing team) needs
 * conversations:assign. The new assignee must belong to the conversation's team and be active.
 */
export async function assignConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string } & AssignInput;
}): Promise<Assignment> {
  const { conversationId, ...body } = input;
  const params = assignInput.parse(body);
  let notify: () => Promise<void> = async () => {};
  const result = await actOnConversation(
    ctx,
    { conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      const next: Assignment = {
        assignee_id: params.assignee_id === undefined ? conversation.assignee_id : params.assignee_id,
        team_id: params.team_id === undefined ? conversation.team_id : params.team_id,
      };
      if (next.assignee_id === conversation.assignee_id && next.team_id === conversation.team_id)
        return { result: next, unchanged: true };
      assertMayAssign(ctx, conversation, next);
      if (next.team_id && next.team_id !== conversation.team_id) await assertTeamExists(tx, next.team_id);
      if (next.assignee_id) await assertAssignable(tx, next.assignee_id, next.team_id);
      await tx.execute(sql`
        update conversations set assignee_id = ${next.assignee_id}, team_id = ${next.team_id},
          assigned_at = case when ${next.assignee_id}::uuid is null then null else now() end
        where id = ${conversation.id}`);
      await syncCycleOwner(tx, conversation.id);
      if (next.assignee_id && next.assignee_id !== actorId(ctx.actor)) {
        const created = await createNotifications(tx, [
          {
            userId: next.assignee_id,
            kind: "assigned",
            conversationId: conversation.id,
            actorId: actorId(ctx.actor),
          },
        ]);
        notify = created.publish;
      }
      const transfer = next.team_id !== conversation.team_id;
      const data = {
        from_assignee: conversation.assignee_id,
        to_assignee: next.assignee_id,
        from_team: conversation.team_id,
        to_team: next.team_id,
      };
      return {
        result: next,
        event: { type: transfer ? "transferred" : next.assignee_id ? "assigned" : "unassigned", data },
        audit: { action: transfer ? "conversation.transferred" : "conversation.assigned", data },
        reason: "assignment",
      };
    },
  );
  await notify();
  return result;
}

function assertMayAssign(ctx: Ctx, conversation: LockedConversation, next: Assignment) {
  const actor = ctx.actor;
  if (
    can(actor, "conversations:assign", { teamId: conversation.team_id, assigneeId: conversation.assignee_id })
  )
    return;
  const self = actor.type === "user" ? actor.id : null;
  const sameTeam = next.team_id === conversation.team_id;
  const takesUnassigned = conversation.assignee_id === null && next.assignee_id === self;
  const givesBackOwn = conversation.assignee_id === self && next.assignee_id === null;
  if (sameTeam && (takesUnassigned || givesBackOwn)) return;
  throw new ForbiddenError(
    sameTeam
      ? "You can take unassigned conversations for yourself or give back your own; ask a supervisor to assign others"
      : "Moving a conversation to another team needs a supervisor",
  );
}

async function assertTeamExists(tx: Tx, teamId: string) {
  const [team] = await tx.execute(sql`select 1 from teams where id = ${teamId}`);
  if (!team) throw new ValidationError("team_id is not a team", { field: "team_id" });
}

async function assertAssignable(tx: Tx, userId: string, teamId: string | null) {
  const [user] = await tx.execute<{ disabled: boolean; member: boolean; role: string }>(sql`
    select u.disabled_at is not null as disabled, u.role::text as role,
      exists (select 1 from team_members m where m.user_id = u.id and m.team_id = ${teamId}) as member
    from users u where u.id = ${userId}`);
  if (!user) throw new ValidationError("assignee_id is not a user", { field: "assignee_id" });
  if (user.disabled) throw new ValidationError("assignee_id is a disabled user", { field: "assignee_id" });
  // Admins see every conversation; everyone else must be in its team to see it once assigned.
  if (teamId && !user.member && user.role !== "admin")
    throw new ValidationError("assignee_id is not a member of the conversation's team", {
      field: "assignee_id",
    });
}
