import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { sendMessage, SendRefusedError } from "@/lib/messaging";
import { getSetting } from "@/lib/settings";
import { CSAT_CHOICES, csatReplyId } from "./reply";

export type SurveyOutcome = { state: "sent"; messageId: string } | { state: "skipped"; reason: string };

/**
 * Inside the resolve's transaction: the just-closed cycle's id when a survey is due (CSAT on, and a human
 * worked this cycle: someone owned it or answered). Bot-only cycles get no survey.
 */
export async function csatCycleDue(tx: Tx, conversationId: string): Promise<string | null> {
  if (!(await getSetting(tx, "csat.enabled"))) return null;
  const [row] = await tx.execute<{ id: string }>(sql`
    select id from conversation_cycles
    where conversation_id = ${conversationId} and resolved_at is not null
      and (assignee_id is not null or first_response_at is not null or first_assigned_at is not null)
      and csat_sent_at is null and csat_skipped_reason is null
    order by started_at desc limit 1`);
  return row?.id ?? null;
}

/** After the resolve commits; a lost enqueue only loses one survey, never the resolve. */
export async function scheduleCsatSurvey(cycleId: string): Promise<void> {
  try {
    await enqueue(queues.csatSurvey, { cycleId }, { singletonKey: cycleId });
  } catch (error) {
    console.error(`[csat] could not queue the survey for cycle ${cycleId}: ${(error as Error).message}`);
  }
}

/**
 * Sends the survey for a closed cycle once (idempotency key from the cycle id): reply buttons inside the
 * 24 h window, the configured template outside it, else nothing and the reason on the cycle. Sent as a
 * bot message, so it neither reopens the conversation nor counts as an agent's reply.
 */
export async function sendCsatSurvey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { cycleId: string };
}): Promise<SurveyOutcome> {
  assertCan(ctx.actor, "ingest:apply");
  const db = dbOf(ctx);
  const [cycle] = await db.execute<{
    conversation_id: string;
    csat_message_id: string | null;
    csat_skipped_reason: string | null;
    status: string;
    in_window: boolean;
    latest: boolean;
  }>(sql`
    select y.conversation_id, y.csat_message_id, y.csat_skipped_reason, c.status,
      coalesce(c.window_expires_at > now(), false) as in_window,
      not exists (select 1 from conversation_cycles n where n.conversation_id = y.conversation_id
                  and n.started_at > y.started_at) as latest
    from conversation_cycles y join conversations c on c.id = y.conversation_id
    where y.id = ${input.cycleId}`);
  if (!cycle) return { state: "skipped", reason: "cycle_not_found" };
  if (cycle.csat_message_id) return { state: "sent", messageId: cycle.csat_message_id };
  if (cycle.csat_skipped_reason) return { state: "skipped", reason: cycle.csat_skipped_reason };
  // The customer wrote again before the survey went out: asking now would interrupt the new cycle.
  if (cycle.status !== "resolved" || !cycle.latest) return skip(ctx, input.cycleId, cycle, "reopened");

  let message: unknown;
  if (cycle.in_window) {
    const labels = await getSetting(db, "csat.button_labels");
    message = {
      type: "interactive",
      kind: "button",
      body: await getSetting(db, "csat.question"),
      buttons: CSAT_CHOICES.map((c, i) => ({
        id: csatReplyId(input.cycleId, c.score),
        title: labels[i] ?? c.title,
      })),
    };
  } else {
    const templateId = await getSetting(db, "csat.template_id");
    if (!templateId) return skip(ctx, input.cycleId, cycle, "window_closed_no_template");
    message = {
      type: "template",
      template_id: templateId,
      buttons: await templateButtons(ctx, templateId, input.cycleId),
    };
  }
  try {
    const sent = await sendMessage({
      ctx,
      input: {
        conversationId: cycle.conversation_id,
        idempotencyKey: `csat:${input.cycleId}`,
        message,
        source: "bot",
      },
    });
    await withTransaction(ctx, async (tx) => {
      await tx.execute(sql`
        update conversation_cycles set csat_sent_at = coalesce(csat_sent_at, now()),
          csat_message_id = coalesce(csat_message_id, ${sent.message.id}::uuid)
        where id = ${input.cycleId}`);
      if (!sent.replayed)
        await emitAudit(tx, ctx.actor, {
          action: "csat.sent",
          entityType: "conversation",
          entityId: cycle.conversation_id,
          data: {
            cycle_id: input.cycleId,
            message_id: sent.message.id,
            via: cycle.in_window ? "buttons" : "template",
          },
        });
    });
    return { state: "sent", messageId: sent.message.id };
  } catch (error) {
    if (error instanceof SendRefusedError) return skip(ctx, input.cycleId, cycle, error.code);
    throw error;
  }
}

/** The template's quick replies, best first, carry the answer ids (admins order them Great, OK, Poor). */
async function templateButtons(ctx: Ctx, templateId: string, cycleId: string) {
  const [row] = await dbOf(ctx).execute<{ components: unknown }>(
    sql`select components from templates where id = ${templateId}`,
  );
  const components = Array.isArray(row?.components) ? (row.components as Record<string, unknown>[]) : [];
  const buttons = components.find((c) => String(c.type).toUpperCase() === "BUTTONS")?.buttons;
  const quick = (Array.isArray(buttons) ? (buttons as Record<string, unknown>[]) : [])
    .map((b, index) => ({ index, type: String(b.type).toUpperCase() }))
    .filter((b) => b.type === "QUICK_REPLY")
    .slice(0, CSAT_CHOICES.length);
  return quick.map((b, i) => ({ index: b.index, payload: csatReplyId(cycleId, CSAT_CHOICES[i]!.score) }));
}

async function skip(
  ctx: Ctx,
  cycleId: string,
  cycle: { conversation_id: string },
  reason: string,
): Promise<SurveyOutcome> {
  await withTransaction(ctx, async (tx) => {
    const [updated] = await tx.execute<{ id: string }>(sql`
      update conversation_cycles set csat_skipped_reason = ${reason}
      where id = ${cycleId} and csat_skipped_reason is null and csat_message_id is null returning id`);
    if (updated)
      await emitAudit(tx, ctx.actor, {
        action: "csat.skipped",
        entityType: "conversation",
        entityId: cycle.conversation_id,
        data: { cycle_id: cycleId, reason },
      });
  });
  return { state: "skipped", reason };
}
