import { sql } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";

export type BotPauseReason = "owner_replied" | "agent_replied" | "taken_over";

const WHY: Record<BotPauseReason, string> = {
  owner_replied: "The owner answered from the WhatsApp Business app",
  agent_replied: "An agent answered",
  taken_over: "An agent took over the conversation",
};

/**
 * A human is talking: the bot stops in this conversation at once (inside the caller's transaction, so a
 * reply the bot was preparing finds its session ended and is dropped), the conversation leaves `bot`
 * status, and the timeline says who took over and why. No-op when no bot is running there. The session's
 * end is our clock (not Meta's second-precision timestamp): bot replies queued before it are dropped.
 */
export async function pauseBotForHuman(
  tx: Tx,
  input: { conversationId: string; reason: BotPauseReason; actor: Actor; at: Date },
): Promise<boolean> {
  const [ended] = await tx.execute<{ conversation_id: string }>(sql`
    update bot_sessions set ended_at = now(), end_reason = ${input.reason}, awaiting_reply_since = null
    where conversation_id = ${input.conversationId} and ended_at is null
    returning conversation_id`);
  const [moved] = await tx.execute<{ id: string }>(sql`
    update conversations set status = 'open' where id = ${input.conversationId} and status = 'bot' returning id`);
  if (!ended && !moved) return false;
  const actorId = input.actor.type === "user" ? input.actor.id : input.actor.name;
  await tx.execute(sql`
    insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
    values (${input.conversationId}, 'bot_paused', ${input.actor.type}, ${actorId},
            ${JSON.stringify({ reason: input.reason, why: WHY[input.reason] })}::jsonb,
            ${input.at.toISOString()}::timestamptz)`);
  return true;
}
