import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { emitIntegrationEvent } from "@/lib/integrations";
import { createNotifications } from "@/lib/notifications";
import { actOnConversation, actorId, type LockedConversation } from "./act";
import { noteInput, type NoteInput } from "./schemas";

/**
 * A private note on the conversation's timeline (never sent to the customer). Mentioned colleagues are
 * notified; mentioning someone who cannot see the conversation is refused, naming them.
 */
export async function addConversationNote({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string } & NoteInput;
}): Promise<{ id: string; body: string; mentions: string[] }> {
  const { conversationId, ...body } = input;
  const params = noteInput.parse(body);
  const mentions = [...new Set(params.mentions)];
  let notify: () => Promise<void> = async () => {};
  const result = await actOnConversation(
    ctx,
    { conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      await assertMentionable(tx, conversation, mentions);
      const [note] = await tx.execute<{ id: string }>(sql`
        insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
        values (${conversation.id}, 'note', ${ctx.actor.type}, ${actorId(ctx.actor)},
                ${JSON.stringify({ body: params.body, mentions })}::jsonb, now())
        returning id`);
      await emitIntegrationEvent(tx, "conversation.note", {
        conversation_id: conversation.id,
        note_id: note!.id,
        author: actorId(ctx.actor),
        body: params.body,
        mentions,
      });
      const others = mentions.filter((id) => id !== actorId(ctx.actor));
      const created = await createNotifications(
        tx,
        others.map((userId) => ({
          userId,
          kind: "mention" as const,
          conversationId: conversation.id,
          actorId: actorId(ctx.actor),
          data: { note_id: note!.id, excerpt: params.body.slice(0, 140) },
        })),
      );
      notify = created.publish;
      // The note is its own timeline row (written above), so no extra event; notes are not audited
      // (they change nothing and may hold personal data the audit log should not copy).
      return { result: { id: note!.id, body: params.body, mentions }, reason: "note" };
    },
  );
  await notify();
  return result;
}

async function assertMentionable(tx: Tx, conversation: LockedConversation, userIds: string[]) {
  if (userIds.length === 0) return;
  const rows = await tx.execute<{ id: string; name: string; sees: boolean }>(sql`
    select u.id, u.name,
      u.disabled_at is null and (
        u.role = 'admin'
        or u.id = ${conversation.assignee_id}
        or (${conversation.team_id}::uuid is null and u.role = 'supervisor')
        or exists (select 1 from team_members m where m.user_id = u.id and m.team_id = ${conversation.team_id})
      ) as sees
    from users u where u.id = any(${`{${userIds.join(",")}}`}::uuid[])`);
  const found = new Map(rows.map((r) => [r.id, r]));
  const unknown = userIds.find((id) => !found.has(id));
  if (unknown)
    throw new ValidationError("mentions contains someone who is not a user", { field: "mentions" });
  const blind = rows.find((r) => !r.sees);
  if (blind)
    throw new ValidationError(`mentions: ${blind.name} cannot see this conversation`, { field: "mentions" });
}
