import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { getConversation } from "./get-conversation";

const SOURCE_LABEL: Record<string, string> = {
  customer: "Customer",
  agent: "Agent",
  bot: "Bot",
  campaign: "Campaign",
  business_app: "Owner (sent from phone)",
  history: "Imported history",
  system: "System",
};

/**
 * A conversation's transcript as plain text (messages and notes in time order, a second's messages in
 * arrival order as the thread shows them; who and when), for the record or a customer request. Read
 * permission as for the thread; every export is audited.
 */
export async function exportTranscript({ ctx, input }: { ctx: Ctx; input: { conversationId: string } }) {
  const conversation = await getConversation({ ctx, input: { id: input.conversationId } });
  const rows = await dbOf(ctx).execute<{
    at: string;
    who: string;
    source: string;
    text: string;
    kind: string;
  }>(sql`
    select m.timestamp as at, coalesce(u.name, '') as who, m.source::text as source,
      coalesce(m.text, '[' || m.type || ']') as text, 'message' as kind, m.arrival
    from messages m left join users u on u.id = m.author_id
    where m.conversation_id = ${conversation.id}
    union all
    select e.at, coalesce(u.name, e.actor_id, ''), 'note', e.data->>'body', 'note', null
    from conversation_events e left join users u on e.actor_type = 'user' and u.id::text = e.actor_id
    where e.conversation_id = ${conversation.id} and e.type = 'note'
    order by 1, 6 nulls first`);
  await withTransaction(ctx, (tx) =>
    emitAudit(tx, ctx.actor, {
      action: "conversation.exported",
      entityType: "conversation",
      entityId: conversation.id,
      data: { lines: rows.length },
    }),
  );
  const header = `Conversation with ${conversation.contact.name} (${conversation.contact.phone ?? conversation.contact.username ?? conversation.contact.bsuid ?? "unknown"}) on ${conversation.number.display_number}\n\n`;
  const body = rows
    .map((r) => {
      const when = new Date(r.at).toISOString().replace("T", " ").slice(0, 19);
      const who =
        r.kind === "note"
          ? `Private note by ${r.who}`
          : [SOURCE_LABEL[r.source] ?? r.source, r.who].filter(Boolean).join(" · ");
      return `[${when} UTC] ${who}: ${r.text}`;
    })
    .join("\n");
  return { filename: `transcript-${conversation.id}.txt`, text: `${header}${body}\n` };
}
