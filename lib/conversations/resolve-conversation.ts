import { sql } from "drizzle-orm";
import type { Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { actOnConversation, actorId } from "./act";
import { stopAllClocks } from "@/lib/sla";
import { closeCycle, startCycle } from "./cycles";
import { csatCycleDue, scheduleCsatSurvey } from "@/lib/csat";

type StatusResult = { status: "bot" | "open" | "snoozed" | "resolved" };

/** Resolves: the work cycle closes; the next customer message reopens it as a new cycle. */
export async function resolveConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string };
}): Promise<StatusResult> {
  let surveyCycleId: string | null = null;
  const result = await actOnConversation<StatusResult>(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.status === "resolved") return { result: { status: "resolved" }, unchanged: true };
      const at = new Date();
      await tx.execute(sql`
        update conversations set status = 'resolved', resolved_at = ${at.toISOString()}::timestamptz,
          snoozed_until = null, waiting_since = null
        where id = ${conversation.id}`);
      await closeCycle(tx, conversation.id, at, actorId(ctx.actor));
      await stopAllClocks(tx, conversation.id);
      surveyCycleId = await csatCycleDue(tx, conversation.id);
      return {
        result: { status: "resolved" },
        event: { type: "resolved", data: { from: conversation.status } },
        audit: { action: "conversation.resolved", data: { from: conversation.status } },
      };
    },
  );
  // After commit: the survey job must find the closed cycle (issue 10).
  if (surveyCycleId) await scheduleCsatSurvey(surveyCycleId);
  return result;
}

/** Reopens a resolved (or wakes a snoozed) conversation by hand. */
export async function reopenConversation({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { conversationId: string };
}): Promise<StatusResult> {
  return actOnConversation(
    ctx,
    { conversationId: input.conversationId, permission: "conversations:reply" },
    async (tx, conversation) => {
      if (conversation.status === "open") return { result: { status: "open" }, unchanged: true };
      if (conversation.status === "bot")
        throw new ConflictError("The bot is handling this conversation; take it over instead");
      const at = new Date();
      await tx.execute(sql`
        update conversations set status = 'open', resolved_at = null, snoozed_until = null
        where id = ${conversation.id}`);
      if (conversation.status === "resolved") await startCycle(tx, conversation.id, at, true);
      return {
        result: { status: "open" },
        event: { type: "reopened", data: { from: conversation.status } },
        audit: { action: "conversation.reopened", data: { from: conversation.status } },
      };
    },
  );
}
