import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";

// Scale 1-3 (WhatsApp allows three reply buttons): 3 great, 2 ok, 1 poor. "Positive" means 3.
export const CSAT_CHOICES = [
  { score: 3, title: "Great" },
  { score: 2, title: "OK" },
  { score: 1, title: "Poor" },
] as const;

export const csatReplyId = (cycleId: string, score: number) => `csat:${cycleId}:${score}`;

const REPLY_ID = /^csat:([0-9a-f-]{36}):([1-3])$/i;

/** The survey answer in an inbound message's content: an interactive button_reply id or a template quick-reply payload. */
export function csatReplyOf(type: string, content: unknown): { cycleId: string; score: number } | null {
  if (!content || typeof content !== "object") return null;
  const c = content as Record<string, unknown>;
  const reply =
    type === "interactive"
      ? (c.button_reply as Record<string, unknown> | undefined)?.id
      : type === "button"
        ? c.payload
        : undefined;
  const match = typeof reply === "string" ? REPLY_ID.exec(reply) : null;
  return match ? { cycleId: match[1]!.toLowerCase(), score: Number(match[2]) } : null;
}

/**
 * Inside ingest's transaction, before the message is recorded: whether this answer should leave the
 * conversation resolved (the survey's cycle is its latest one and it is still resolved), so a tap on
 * "Great" does not put the conversation back into the queue.
 */
export async function csatAnswerKeepsResolved(
  tx: Tx,
  reply: { cycleId: string },
  contactId: string,
): Promise<boolean> {
  const [row] = await tx.execute<{ ok: boolean }>(sql`
    select true as ok from conversation_cycles y join conversations c on c.id = y.conversation_id
    where y.id = ${reply.cycleId} and c.contact_id = ${contactId} and c.status = 'resolved'
      and not exists (select 1 from conversation_cycles n where n.conversation_id = y.conversation_id
                      and n.started_at > y.started_at)`);
  return Boolean(row?.ok);
}

/** Records the score on the survey's cycle: the first answer wins, later taps change nothing; audited. */
export async function recordCsatAnswer(
  tx: Tx,
  input: { cycleId: string; score: number; conversationId: string; messageId: string; at: Date },
): Promise<boolean> {
  const [row] = await tx.execute<{ id: string }>(sql`
    update conversation_cycles set csat_score = ${input.score}, csat_answered_at = ${input.at.toISOString()}::timestamptz
    where id = ${input.cycleId} and conversation_id = ${input.conversationId} and csat_score is null
    returning id`);
  if (!row) return false;
  await emitAudit(
    tx,
    { type: "system", name: "csat" },
    {
      action: "csat.answered",
      entityType: "conversation",
      entityId: input.conversationId,
      data: { cycle_id: input.cycleId, score: input.score, message_id: input.messageId },
    },
  );
  return true;
}
