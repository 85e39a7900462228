import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { recordMarketingStop } from "@/lib/consent";
import { applyEarlyStatuses, CALLBACK_PREFIX, touchConversation } from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { UpstreamError } from "@/lib/errors";
import { getMediaStorage } from "@/lib/media/storage";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { openNumberToken } from "@/lib/numbers/token";
import { graphJson } from "@/lib/whatsapp/client";
import { pauseNumberSending } from "./pause";
import { defaultRateLimit, limiterKeys, numberIntervalMs, penalize, reserveSlot } from "./rate-limiter";
import { scheduleSend } from "./schedule";
import { backoffMs, describeSendError, type SendErrorInfo } from "@/lib/whatsapp/send-errors";
import { buildSendBody, type OutboundMessageInput, type ResolvedOutbound } from "./send-payload";
import { toTemplateSendInput, windowOpen } from "./send-message";
import { buildTemplateComponents, checkTemplateSendable } from "./template-params";

/** A claimed send is the worker's for this long; longer than a Graph call may take (GRAPH_SEND_TIMEOUT_MS). */
export const SEND_LEASE_MS = 30_000;
const GRAPH_SEND_TIMEOUT_MS = 15_000;
// How long a send may wait for its number's next slot inside one job before it is rescheduled instead.
const MAX_SLOT_WAIT_MS = 2_000;
// Retries for throughput and pair limits (Meta asks us to slow down) vs unknown/transient errors.
const MAX_RATE_ATTEMPTS = 30;
const MAX_TRANSIENT_ATTEMPTS = 8;
// Queue-sent bursts to one customer (bots, campaigns) stay under Meta's pair rate: 1 per 6 s (T5c).
const PAIR_INTERVAL_MS = 6_000;
const AGENT_PAIR_BURST = 45;
const STOPPED_MARKETING = 131050;
const BOT_PRIORITY = 1;
const BOT_REPLY_DROPPED: Failure = {
  code: "bot_reply_dropped",
  title: "Not sent: a person took over from the bot",
  hint: "The bot had prepared this reply before someone answered; it was dropped so the customer only hears the person.",
  retryable: false,
  action: "none",
};

/** Meta's mapped error, or our own reason with a word code (it never reached Meta). */
type Failure = Omit<SendErrorInfo, "code" | "class"> & { code: number | string };

type Claimed = {
  message_id: string;
  conversation_id: string;
  number_id: string;
  pnid: string;
  /** The number's own Cloud API token (sealed); null means the workspace token from the environment. */
  access_token_sealed: string | null;
  waba_id: string;
  coexistence: boolean;
  send_rate_limit: number | null;
  sending_paused: boolean;
  input: OutboundMessageInput;
  recipient_phone: string | null;
  recipient_bsuid: string | null;
  priority: number;
  attempts: number;
  idempotency_key: string | null;
  reply_to_wamid: string | null;
  window_expires_at: string | null;
};

function numberToken(send: Claimed): string | undefined {
  return openNumberToken(send.access_token_sealed) ?? undefined;
}

export type DeliverOutcome = "accepted" | "failed" | "retry" | "held" | "skipped";

/**
 * The send worker for one message: claim → pace (per-number and pair limiters in Postgres) → resolve our ids
 * to Meta's → Graph call → record `accepted` (the wamid) or a mapped failure. Meta errors never throw out of
 * here: they become a retry with backoff, a held number, or a failed message the agent can read.
 */
export async function deliverMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { messageId: string };
}): Promise<DeliverOutcome> {
  const send = await claim(ctx, input.messageId);
  if (!send) return "skipped";
  if (send.sending_paused) {
    await hold(ctx, send.message_id);
    return "held";
  }
  if (send.input.type !== "template" && !windowOpen(send.window_expires_at))
    return fail(ctx, send, describeSendError(131047));
  // A bot's reply still queued when a person took over is dropped, not sent after the human's answer.
  if (send.priority === BOT_PRIORITY && (await humanTookOver(ctx, send)))
    return fail(ctx, send, BOT_REPLY_DROPPED);

  const recipient = send.recipient_phone ?? send.recipient_bsuid ?? "";
  const pairSlot = await reserveSlot(dbOf(ctx), {
    key: limiterKeys.pair(send.number_id, recipient),
    intervalMs: PAIR_INTERVAL_MS,
    burst: send.priority === 0 ? AGENT_PAIR_BURST : 1,
    maxWaitMs: 0,
  });
  // A pair wait must not hold up other recipients (T5c): this one goes back to the queue instead.
  if (!pairSlot.ok) return release(ctx, send, pairSlot.retryAfterMs, false);

  let body: Record<string, unknown>;
  try {
    // Before taking a number slot: uploads and lookups must not eat into the number's pacing.
    const resolved = await resolve(ctx, send);
    if ("error" in resolved) return fail(ctx, send, resolved.error);
    body = buildSendBody({
      message: resolved.message,
      recipient: { phone: send.recipient_phone, bsuid: send.recipient_bsuid },
      callbackData: `${CALLBACK_PREFIX}${send.message_id}`,
    });
  } catch (error) {
    return onGraphError(ctx, send, error);
  }

  const waited = await waitForNumberSlot(ctx, send);
  if (!waited.ok) return release(ctx, send, waited.retryAfterMs, false);

  try {
    const response = await graphJson<{ messages?: { id?: string }[] }>(`${send.pnid}/messages`, {
      method: "POST",
      json: body,
      timeoutMs: GRAPH_SEND_TIMEOUT_MS,
      accessToken: numberToken(send),
      // Meta ignores it; our simulator counts sends per key to prove "at most once" (BENCHMARKS.md R5).
      headers: send.idempotency_key ? { "idempotency-key": send.idempotency_key } : {},
    });
    const wamid = response?.messages?.[0]?.id;
    if (!wamid) throw new UpstreamError("Graph API accepted the message without an id", false);
    await accept(ctx, send, wamid);
    return "accepted";
  } catch (error) {
    return onGraphError(ctx, send, error);
  }
}

// A send that starts this much after its slot (a busy event loop, a slow timer) would crowd the next slot
// inside Meta's one-second window, so it takes a fresh slot instead (the limiter's jitter allowance is 50 ms).
const MAX_SLOT_LATENESS_MS = 40;
const MAX_SLOT_RETAKES = 2;

/** Waits for this number's next send slot; `ok: false` when the wait would be too long for one job. */
async function waitForNumberSlot(
  ctx: Ctx,
  send: Claimed,
): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
  const limit = send.send_rate_limit ?? defaultRateLimit(send.coexistence);
  for (let retakes = 0; ; retakes++) {
    const asked = performance.now();
    const slot = await reserveSlot(dbOf(ctx), {
      key: limiterKeys.number(send.number_id),
      intervalMs: numberIntervalMs(limit),
      maxWaitMs: MAX_SLOT_WAIT_MS,
    });
    if (!slot.ok) return slot;
    // Postgres stamped the slot somewhere inside the round trip: take its middle as "now" there.
    const due = (asked + performance.now()) / 2 + slot.delayMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (performance.now() - due <= MAX_SLOT_LATENESS_MS || retakes >= MAX_SLOT_RETAKES) return { ok: true };
  }
}

async function humanTookOver(ctx: Ctx, send: Claimed): Promise<boolean> {
  const [row] = await dbOf(ctx).execute<{ dropped: boolean }>(sql`
    select exists (
      select 1 from bot_sessions s join messages m on m.id = ${send.message_id}
      where s.conversation_id = ${send.conversation_id} and s.ended_at is not null
        and s.end_reason in ('owner_replied', 'agent_replied', 'taken_over') and m.created_at <= s.ended_at
    ) as dropped`);
  return Boolean(row?.dropped);
}

async function claim(ctx: Ctx, messageId: string): Promise<Claimed | undefined> {
  const leaseMs = `${SEND_LEASE_MS} milliseconds`;
  const [row] = await dbOf(ctx).execute<Claimed>(sql`
    with claimed as (
      update outbound_sends s set state = 'sending', attempts = attempts + 1,
        lease_until = clock_timestamp() + ${leaseMs}::interval, call_started_at = clock_timestamp()
      where message_id = ${messageId} and state = 'queued' and next_attempt_at <= clock_timestamp() + interval '50 milliseconds'
      returning s.*
    )
    select s.message_id, m.conversation_id, n.id as number_id, n.phone_number_id as pnid, n.access_token_sealed, n.waba_id, n.coexistence,
           n.send_rate_limit, n.sending_paused_at is not null as sending_paused, s.input, s.recipient_phone,
           s.recipient_bsuid, s.priority, s.attempts, m.idempotency_key, m.reply_to_wamid, c.window_expires_at
    from claimed s
    join messages m on m.id = s.message_id
    join conversations c on c.id = m.conversation_id
    join phone_numbers n on n.id = s.phone_number_id`);
  return row;
}

type Resolution = { message: ResolvedOutbound } | { error: SendErrorInfo };

/** Our ids → Meta's: uploaded files get a Graph media id, templates their components, replies the wamid. */
async function resolve(ctx: Ctx, send: Claimed): Promise<Resolution> {
  const input = send.input;
  const context =
    send.reply_to_wamid && input.type !== "reaction" ? { context_wamid: send.reply_to_wamid } : {};
  switch (input.type) {
    case "template": {
      const [template] = await dbOf(ctx).execute<{
        name: string;
        language: string;
        category: string;
        status: string;
        components: unknown;
      }>(
        sql`select name, language, category, status, components from templates where id = ${input.template_id}`,
      );
      if (!template) return { error: describeSendError(132001) };
      const sendable = checkTemplateSendable(template);
      if (!sendable.ok) return { error: describeSendError(sendable.code) };
      const headerRef = input.header?.media_id ? { id: await graphMediaId(ctx, send) } : { id: "" };
      const built = buildTemplateComponents(template, toTemplateSendInput(input, headerRef));
      if (!built.ok) return { error: describeSendError(built.code) };
      return { message: { type: "template", template: built.template, ...context } };
    }
    case "reaction":
      return { message: { type: "reaction", message_wamid: send.reply_to_wamid ?? "", emoji: input.emoji } };
    case "image":
    case "video":
    case "audio":
    case "document":
    case "sticker": {
      const mediaRef = input.media_id ? { id: await graphMediaId(ctx, send) } : { link: input.link ?? "" };
      const { media_id: _id, link: _link, reply_to: _reply, ...rest } = input;
      return { message: { ...rest, media: mediaRef, ...context } };
    }
    default: {
      const { reply_to: _reply, ...rest } = input;
      return { message: { ...rest, ...context } as ResolvedOutbound };
    }
  }
}

/** Uploads our copy of the file to Meta once (ids last 30 days) and remembers the id on the media row. */
async function graphMediaId(ctx: Ctx, send: Claimed): Promise<string> {
  const [row] = await dbOf(ctx).execute<{
    id: string;
    meta_media_id: string;
    storage_key: string;
    mime_type: string;
    filename: string | null;
  }>(
    sql`select id, meta_media_id, storage_key, mime_type, filename from media where message_id = ${send.message_id}`,
  );
  if (!row) throw new UpstreamError("The attached file is missing", false);
  if (!row.meta_media_id.startsWith("upload:")) return row.meta_media_id;
  const stream = await getMediaStorage().get(row.storage_key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const form = new FormData();
  form.set("messaging_product", "whatsapp");
  form.set("type", row.mime_type);
  form.set("file", new Blob([Buffer.concat(chunks)], { type: row.mime_type }), row.filename ?? "file");
  const uploaded = await graphJson<{ id?: string }>(`${send.pnid}/media`, {
    method: "POST",
    body: form,
    accessToken: numberToken(send),
  });
  if (!uploaded?.id) throw new UpstreamError("Graph API returned no media id", true);
  await dbOf(ctx).execute(sql`update media set meta_media_id = ${uploaded.id} where id = ${row.id}`);
  return uploaded.id;
}

async function accept(ctx: Ctx, send: Claimed, wamid: string) {
  const touch = await withTransaction(ctx, async (tx) => {
    // A status webhook carrying our callback data may have linked the wamid already: keep the first.
    await tx.execute(
      sql`update messages set wamid = coalesce(wamid, ${wamid}) where id = ${send.message_id}`,
    );
    await tx.execute(sql`
      update outbound_sends set state = 'accepted', lease_until = null, last_error = null, settled_at = now()
      where message_id = ${send.message_id}`);
    await applyEarlyStatuses(tx, wamid);
    return touchConversation(tx, send.conversation_id);
  });
  if (touch) await publishConversationChanged({ ...touch, messageId: send.message_id, reason: "status" });
}

async function onGraphError(ctx: Ctx, send: Claimed, error: unknown): Promise<DeliverOutcome> {
  const upstream = error instanceof UpstreamError ? error : undefined;
  if (!upstream) throw error;
  const code = typeof upstream.details?.graphCode === "number" ? upstream.details.graphCode : null;
  const subcode = typeof upstream.details?.graphSubcode === "number" ? upstream.details.graphSubcode : null;
  const status = typeof upstream.details?.status === "number" ? upstream.details.status : null;
  // Network errors and bare 5xx have no Meta code: they are transient.
  const info =
    code !== null
      ? describeSendError(code, subcode)
      : status === 401
        ? describeSendError(190)
        : upstream.retryable
          ? describeSendError(131000)
          : { ...describeSendError(null), title: "The message could not be sent", hint: upstream.message };
  switch (info.class) {
    case "token":
    case "account":
      await pauseNumberSending({ ctx, input: { numberId: send.number_id, error: info } });
      await hold(ctx, send.message_id);
      return "held";
    case "throughput":
      await penalize(dbOf(ctx), { key: limiterKeys.number(send.number_id), ms: 1_000 });
      return retryOrFail(ctx, send, info, MAX_RATE_ATTEMPTS);
    case "pair":
      await penalize(dbOf(ctx), {
        key: limiterKeys.pair(send.number_id, send.recipient_phone ?? send.recipient_bsuid ?? ""),
        ms: PAIR_INTERVAL_MS,
      });
      return retryOrFail(ctx, send, info, MAX_RATE_ATTEMPTS);
    default:
      if (info.retryable) return retryOrFail(ctx, send, info, MAX_TRANSIENT_ATTEMPTS);
      return fail(ctx, send, info);
  }
}

async function retryOrFail(ctx: Ctx, send: Claimed, info: SendErrorInfo, maxAttempts: number) {
  if (send.attempts >= maxAttempts) return fail(ctx, send, info);
  return release(ctx, send, backoffMs(info.class, send.attempts), true, info);
}

/** Back to `queued` for a later attempt: a limiter wait (not an attempt) or a backoff after an error. */
async function release(
  ctx: Ctx,
  send: Claimed,
  afterMs: number,
  countsAsAttempt: boolean,
  info?: SendErrorInfo,
): Promise<DeliverOutcome> {
  const after = `${Math.max(0, Math.round(afterMs))} milliseconds`;
  await dbOf(ctx).execute(sql`
    update outbound_sends set state = 'queued', lease_until = null,
      attempts = attempts - ${countsAsAttempt ? 0 : 1},
      next_attempt_at = clock_timestamp() + ${after}::interval,
      last_error = coalesce(${info ? JSON.stringify(info) : null}::jsonb, last_error)
    where message_id = ${send.message_id} and state = 'sending'`);
  await scheduleSend(send.message_id, { startAfterMs: afterMs, priority: send.priority });
  return "retry";
}

async function hold(ctx: Ctx, messageId: string) {
  await dbOf(ctx).execute(sql`
    update outbound_sends set state = 'held', hold_reason = 'number', lease_until = null,
      attempts = greatest(attempts - 1, 0)
    where message_id = ${messageId} and state in ('queued', 'sending')`);
}

async function fail(ctx: Ctx, send: Claimed, info: Failure): Promise<DeliverOutcome> {
  const touch = await withTransaction(ctx, async (tx: Tx) => {
    await tx.execute(sql`
      update outbound_sends set state = 'failed', lease_until = null, last_error = ${JSON.stringify(info)}::jsonb,
        settled_at = now()
      where message_id = ${send.message_id}`);
    // The stored status and what the agent sees are one row: status failed with the mapped error.
    await tx.execute(sql`
      update messages set status = 'failed', error = ${JSON.stringify(info)}::jsonb
      where id = ${send.message_id} and wamid is null`);
    // Meta refusing a marketing template with 131050 is the customer's stop, said before any webhook.
    if (info.code === STOPPED_MARKETING) {
      const [conversation] = await tx.execute<{ contact_id: string }>(
        sql`select contact_id from conversations where id = ${send.conversation_id}`,
      );
      if (conversation)
        await recordMarketingStop(tx, {
          contactId: conversation.contact_id,
          conversationId: send.conversation_id,
          messageId: send.message_id,
          at: new Date(),
        });
    }
    return touchConversation(tx, send.conversation_id);
  });
  if (touch) await publishConversationChanged({ ...touch, messageId: send.message_id, reason: "status" });
  return "failed";
}
