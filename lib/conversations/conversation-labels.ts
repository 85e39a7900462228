import { personId } from "@/lib/auth/actor";
import { sql } from "drizzle-orm";
import type { Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { actOnConversation, actorId } from "./act";
import { labelRefInput } from "./schemas";

export async function addConversationLabel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string; label_id: unknown };
}): Promise<{ label_id: string }> {
  const { label_id } = labelRefInput.parse({ label_id: input.label_id });
  return actOnConversation(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      const [label] = await tx.execute<{ name: string }>(sql`select name from labels where id = ${label_id}`);
      if (!label) throw new NotFoundError("Label");
      const added = await tx.execute(sql`
        insert into conversation_labels (conversation_id, label_id, added_by)
        values (${conversation.id}, ${label_id}, ${personId(ctx.actor)})
        on conflict do nothing returning label_id`);
      if (added.length === 0) return { result: { label_id }, unchanged: true };
      const data = { label_id, name: label.name };
      return {
        result: { label_id },
        event: { type: "labeled", data },
        audit: { action: "conversation.labeled", data },
      };
    },
  );
}

export async function removeConversationLabel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string; labelId: string };
}): Promise<{ label_id: string }> {
  const parsed = labelRefInput.safeParse({ label_id: input.labelId });
  if (!parsed.success) throw new NotFoundError("Label");
  const { label_id } = parsed.data;
  return actOnConversation(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      const removed = await tx.execute<{ name: string }>(sql`
        with gone as (
          delete from conversation_labels where conversation_id = ${conversation.id} and label_id = ${label_id}
          returning label_id
        )
        select l.name from gone join labels l on l.id = gone.label_id`);
      if (removed.length === 0) return { result: { label_id }, unchanged: true };
      const data = { label_id, name: removed[0]!.name, by: actorId(ctx.actor) };
      return {
        result: { label_id },
        event: { type: "unlabeled", data },
        audit: { action: "conversation.unlabeled", data },
      };
    },
  );
}
