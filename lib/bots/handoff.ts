import { sql } from "drizzle-orm";
import { z } from "zod";
import { actOnConversation } from "@/lib/conversations";
import type { Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { pickTeam } from "./rules";

export const handoffInput = z
  .object({
    /** What the bot learned, for the agent (shown on the timeline and the contact panel). */
    summary: z.string().trim().max(2000).default(""),
    /** Collected fields (name, order number, email...). */
    fields: z.record(z.string().max(64), z.string().max(1000)).default({}),
    reason: z.string().trim().max(64).default("bot"),
  })
  .strict();
export type HandoffInput = z.input<typeof handoffInput>;

/**
 * The bot hands the conversation to humans: it leaves `bot` for `open`, the bot session ends keeping its
 * fields, a timeline event carries the summary and fields, and routing rules (else the number's default
 * team) pick the team whose queue it joins; the router then assigns it if the team routes automatically.
 */
export async function handoffConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string } & HandoffInput;
}): Promise<{ status: "open"; team_id: string | null; rule_id: string | null }> {
  const { conversationId, ...body } = input;
  const params = handoffInput.parse(body);
  return actOnConversation(
    ctx,
    { conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.status !== "bot") throw new ConflictError("This conversation is not with the bot");
      const [session] = await tx.execute<{
        state: { fields?: Record<string, string>; language?: string };
      }>(sql`
      update bot_sessions set ended_at = now(), end_reason = 'handoff', awaiting_reply_since = null
      where conversation_id = ${conversation.id} and ended_at is null
      returning state`);
      const fields = { ...(session?.state.fields ?? {}), ...params.fields };
      const [last] = await tx.execute<{ text: string | null }>(sql`
      select text from messages where conversation_id = ${conversation.id} and source = 'customer'
      order by timestamp desc, arrival desc limit 1`);
      const labels = await tx.execute<{ label_id: string }>(
        sql`select label_id from conversation_labels where conversation_id = ${conversation.id}`,
      );
      const route = await pickTeam(tx, {
        numberId: conversation.phone_number_id,
        lastText: last?.text ?? null,
        language: session?.state.language ?? null,
        labelIds: labels.map((l) => l.label_id),
        fields,
        at: new Date(),
      });
      const teamId = route.teamId ?? conversation.team_id;
      await tx.execute(sql`
      update conversations set status = 'open', team_id = ${teamId} where id = ${conversation.id}`);
      const data = {
        summary: params.summary,
        fields,
        reason: params.reason,
        team_id: teamId,
        rule_id: route.ruleId,
      };
      return {
        result: { status: "open" as const, team_id: teamId, rule_id: route.ruleId },
        event: { type: "handoff", data },
        audit: {
          action: "conversation.handoff",
          data: { reason: params.reason, team_id: teamId, rule_id: route.ruleId },
        },
        reason: "assignment",
      };
    },
  );
}
