import { sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, dbOf, type Ctx } from "@/lib/db/context";
import { enqueue } from "@/lib/jobs/boss";
import { queues } from "@/lib/jobs/queues";
import { sendMessage, SendRefusedError } from "@/lib/messaging";
import type { OutboundMessageInput } from "@/lib/messaging/schemas";
import { initialFlowState, stepFlow } from "./flow/step";
import type { FlowAction, FlowDefinition, FlowState } from "./flow/types";
import { deliverToExternalBot, type BotEvent } from "./external";
import { handoffConversation } from "./handoff";
import type { BotRow } from "./manage";

/** What the session keeps besides the flow's own state: the last customer message the bot has seen. */
type SessionState = FlowState & { last_at?: string; last_id?: string };

type Pending = {
  id: string;
  type: string;
  text: string | null;
  content: unknown;
  timestamp: string;
  created_at: string;
};

/**
 * Feeds the customer's new messages to the conversation's bot (a job per conversation, after the message is
 * stored). Only customer messages received live reach a bot, never echoes, history or system rows. The
 * session row is locked, so two runs for one conversation take turns and each message is seen once.
 */
export async function runBot({ ctx, input }: { ctx: Ctx; input: { conversationId: string } }): Promise<void> {
  assertCan(ctx.actor, "ingest:apply");
  const plan = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<BotRow & { status: string; contact: BotEvent["contact"] }>(sql`
      select b.*, c.status,
        json_build_object('id', ct.id, 'name', coalesce(ct.address_book_name, ct.profile_name), 'phone', ct.phone,
                          'username', ct.username, 'bsuid', ct.bsuid) as contact
      from conversations c
      join bots b on b.phone_number_id = c.phone_number_id
      join contacts ct on ct.id = c.contact_id
      where c.id = ${input.conversationId}
      for update of c`);
    if (!row || row.status !== "bot" || !row.active) return null;
    // A conversation (re)entering the bot starts a fresh session on the published flow version.
    const [session] = await tx.execute<{
      state: SessionState;
      flow_version: number | null;
      started_at: string;
    }>(sql`
      insert into bot_sessions (conversation_id, bot_id, flow_version)
      values (${input.conversationId}, ${row.id}, ${row.published_version})
      on conflict (conversation_id) do update set
        bot_id = excluded.bot_id,
        flow_version = case when bot_sessions.ended_at is null then bot_sessions.flow_version else excluded.flow_version end,
        state = case when bot_sessions.ended_at is null then bot_sessions.state else '{}'::jsonb end,
        started_at = case when bot_sessions.ended_at is null then bot_sessions.started_at else now() end,
        ended_at = null, end_reason = null
      returning state, flow_version, started_at`);
    const state = session!.state;
    const pending = await tx.execute<Pending>(sql`
      select id, type, text, content, timestamp, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at
      from messages
      where conversation_id = ${input.conversationId} and source = 'customer' and direction = 'inbound'
        and timestamp >= ${session!.started_at}::timestamptz - interval '5 minutes'
        ${state.last_at ? sql`and (created_at, id) > (${state.last_at}::timestamptz, ${state.last_id ?? "00000000-0000-0000-0000-000000000000"}::uuid)` : sql``}
      order by created_at, id`);
    if (pending.length === 0) return null;
    const last = pending[pending.length - 1]!;
    // Seen-so-far is by our insert time (microseconds, in arrival order), not Meta's second-precision time.
    const seen = { last_at: last.created_at, last_id: last.id };

    if (row.kind === "external") {
      await tx.execute(sql`
        update bot_sessions set state = state || ${JSON.stringify(seen)}::jsonb, last_activity_at = now(),
          awaiting_reply_since = coalesce(awaiting_reply_since, now())
        where conversation_id = ${input.conversationId}`);
      return {
        kind: "external" as const,
        bot: row,
        pending,
        fields: state.fields ?? {},
        startedAt: session!.started_at,
      };
    }

    const [flow] = await tx.execute<{ definition: FlowDefinition }>(sql`
      select definition from bot_flow_versions where bot_id = ${row.id} and version = ${session!.flow_version}`);
    if (!flow)
      return {
        kind: "handoff" as const,
        summary: "The bot has no published flow",
        fields: {},
        reason: "flow",
      };
    let current: FlowState = { ...initialFlowState(), ...state };
    const actions: FlowAction[] = [];
    for (const message of pending) {
      const step = stepFlow(
        flow.definition,
        current,
        {
          kind: "message",
          text: message.text,
          replyId: replyIdOf(message),
        },
        { now: new Date() },
      );
      current = step.state;
      actions.push(...step.actions);
      if (step.actions.some((a) => a.type === "handoff" || a.type === "end")) break;
    }
    await tx.execute(sql`
      update bot_sessions set state = ${JSON.stringify({ ...current, ...seen })}::jsonb, last_activity_at = now()
      where conversation_id = ${input.conversationId}`);
    return { kind: "flow" as const, actions, fields: current.fields };
  });
  if (!plan) return;
  const bot = { actor: systemActor("bot") };

  if (plan.kind === "handoff") {
    await handoffConversation({ ctx: bot, input: { conversationId: input.conversationId, ...plan } });
    return;
  }
  if (plan.kind === "external") {
    for (const message of plan.pending) {
      const delivered = await deliverToExternalBot(plan.bot, {
        type: "message",
        bot_id: plan.bot.id,
        conversation: { id: input.conversationId, number_id: plan.bot.phone_number_id },
        contact: (plan.bot as unknown as { contact: BotEvent["contact"] }).contact,
        message: {
          id: message.id,
          type: message.type,
          text: message.text,
          reply_id: replyIdOf(message),
          timestamp: new Date(message.timestamp).toISOString(),
        },
        session: { fields: plan.fields, started_at: new Date(plan.startedAt).toISOString() },
      });
      if (!delivered) {
        await handoffQuietly(input.conversationId, "The bot could not be reached", plan.fields, "bot_failed");
        return;
      }
    }
    // No answer within the bot's timeout → the timeout job hands off. Seconds, which pg-boss adds to Postgres'
    // now(), not a Date from this process's clock (R18).
    await enqueue(
      queues.botTimeout,
      { conversationId: input.conversationId },
      { startAfter: plan.bot.reply_timeout_seconds },
    ).catch(() => {});
    return;
  }
  for (const [index, action] of mergeSends(plan.actions).entries()) {
    if (action.type === "send") {
      if (!(await stillWithBot(ctx, input.conversationId))) return; // a human took over meanwhile: drop it
      await sendAsBot(
        input.conversationId,
        action.message,
        `bot:${input.conversationId}:${Date.now()}:${index}`,
      );
    } else if (action.type === "handoff") {
      await handoffQuietly(input.conversationId, action.summary, action.fields, action.reason);
      return;
    } else if (action.type === "end") {
      await dbOf(ctx).execute(sql`
        update bot_sessions set ended_at = now(), end_reason = 'flow_ended' where conversation_id = ${input.conversationId} and ended_at is null`);
    }
  }
}

/** An external bot's reply timed out: if it still owes an answer, the conversation goes to humans. */
export async function botReplyTimedOut({ ctx, input }: { ctx: Ctx; input: { conversationId: string } }) {
  assertCan(ctx.actor, "ingest:apply");
  const [due] = await dbOf(ctx).execute<{ conversation_id: string }>(sql`
    select s.conversation_id from bot_sessions s join bots b on b.id = s.bot_id
    join conversations c on c.id = s.conversation_id
    where s.conversation_id = ${input.conversationId} and s.ended_at is null and c.status = 'bot'
      and s.awaiting_reply_since <= now() - make_interval(secs => b.reply_timeout_seconds)`);
  if (!due) return false;
  await handoffQuietly(input.conversationId, "The bot did not answer in time", {}, "timeout");
  return true;
}

export async function sendAsBot(
  conversationId: string,
  message: OutboundMessageInput,
  idempotencyKey: string,
) {
  try {
    return await sendMessage({
      ctx: { actor: systemActor("bot") },
      input: { conversationId, idempotencyKey, message, source: "bot" },
    });
  } catch (error) {
    // Outside the 24 h window a bot cannot write freely; that is the humans' call (templates), not a crash.
    if (error instanceof SendRefusedError) return null;
    throw error;
  }
}

async function stillWithBot(ctx: Ctx, conversationId: string): Promise<boolean> {
  const [row] = await dbOf(ctx).execute<{ status: string }>(
    sql`select status from conversations where id = ${conversationId}`,
  );
  return row?.status === "bot";
}

async function handoffQuietly(
  conversationId: string,
  summary: string,
  fields: Record<string, string>,
  reason: string,
) {
  try {
    await handoffConversation({
      ctx: { actor: systemActor("bot") },
      input: { conversationId, summary, fields, reason },
    });
  } catch (error) {
    // Already handed off or taken over: nothing left to do.
    if ((error as { status?: number }).status !== 409) throw error;
  }
}

/** The id of the button or list row the customer tapped (or a template quick-reply's payload). */
function replyIdOf(message: Pending): string | null {
  const content = message.content as {
    button_reply?: { id?: string };
    list_reply?: { id?: string };
    payload?: string;
  } | null;
  if (message.type === "interactive") return content?.button_reply?.id ?? content?.list_reply?.id ?? null;
  if (message.type === "button") return content?.payload ?? null;
  return null;
}

/**
 * Joins a flow step's consecutive messages where WhatsApp allows (text + text, text + buttons/list body):
 * the queue spaces sends to one customer 6 s apart (Meta's pair rate), so a greeting and its menu should
 * be one message, not two with six seconds of silence between them.
 */
export function mergeSends(actions: FlowAction[]): FlowAction[] {
  const merged: FlowAction[] = [];
  for (const action of actions) {
    const previous = merged[merged.length - 1];
    if (action.type === "send" && previous?.type === "send" && previous.message.type === "text") {
      const lead = previous.message.text;
      const next = action.message;
      if (next.type === "text" && lead.length + next.text.length + 2 <= 4096) {
        merged[merged.length - 1] = { type: "send", message: { ...next, text: `${lead}\n\n${next.text}` } };
        continue;
      }
      if (next.type === "interactive" && lead.length + next.body.length + 2 <= 1024) {
        merged[merged.length - 1] = { type: "send", message: { ...next, body: `${lead}\n\n${next.body}` } };
        continue;
      }
    }
    merged.push(action);
  }
  return merged;
}
