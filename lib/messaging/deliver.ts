import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { recordMarketingStop } from "@/lib/consent";
import { applyEarlyStatuses, CALLBACK_PREFIX, touchConversation } from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { UpstreamError } from "@/lib/errors";
import { getMediaStorage } from "@/lib/media/storage";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { isDatabaseConnectionError } from "@/lib/runtime/db-errors";
import { openNumberToken } from "@/lib/numbers/token";
import { graphJson } from "@/lib/whatsapp/client";
import { pauseNumberSending } from "./pause";
import {
  accountLateStart,
  extendSlot,
  latePushPays,
  limiterKeys,
  numberIntervalMs,
  numberSendLimit,
  penalize,
  PgClock,
  reserveIfBusy,
  reserveSlot,
  returnSlot,
  SLOT_START_WINDOW_MS,
} from "./rate-limiter";
import { scheduleSend } from "./schedule";
import { backoffMs, describeSendError, type SendErrorInfo } from "@/lib/whatsapp/send-errors";
import { buildSendBody, type OutboundMessageInput, type ResolvedOutbound } from "./send-payload";
import { SEND_PRIORITY, toTemplateSendInput } from "./send-message";
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
// Meta's pair limit is a bucket of 45 refilled one per 6 s (simulator README, 131056): a conversation may
// burst. Agents may use all of it; a bot answering the customer's fresh message may use a third, so a
// customer tapping through a menu is not kept 6 s per reply and agents keep room to write.
const AGENT_PAIR_BURST = 45;
const BOT_REPLY_PAIR_BURST = 15;
// A bot message counts as an answer when the customer wrote this recently before it was queued (an external
// bot's reply timeout defaults to 60 s); later ones (follow-ups, reminders) are paced like campaigns.
const BOT_REPLY_FRESH_SECONDS = 60;
const STOPPED_MARKETING = 131050;
const BOT_PRIORITY = 1;
// A campaign send's waitlist ticket is at most this far out (a bigger backlog re-tickets on its turn).
const WAITLIST_MAX_MS = 60 * 60_000;
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
  /** Compared on Postgres' clock, not this process' (R18). */
  window_open: boolean;
  /** A bot message queued just after a customer message in its conversation: a reply, not an outreach. */
  answers_customer: boolean;
  /** It went back to the queue before (a waitlist turn, a backoff, the sweep). */
  requeued: boolean;
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
  if (send.input.type !== "template" && !send.window_open) return fail(ctx, send, describeSendError(131047));
  // A bot's reply still queued when a person took over is dropped, not sent after the human's answer.
  if (send.priority === BOT_PRIORITY && (await humanTookOver(ctx, send)))
    return fail(ctx, send, BOT_REPLY_DROPPED);
  // While refused campaign sends wait for their turns, a fresh one queues behind them: taking a free slot
  // would push one of them out, to be refused again and again.
  if (send.priority === SEND_PRIORITY.campaign && !send.requeued) {
    const turnMs = await reserveIfBusy(dbOf(ctx), {
      key: limiterKeys.waitlist(send.number_id),
      intervalMs: numberIntervalMs(numberSendLimit(send)),
    });
    if (turnMs !== null) return release(ctx, send, turnMs, false);
  }

  const pairKey = limiterKeys.pair(send.number_id, send.recipient_phone ?? send.recipient_bsuid ?? "");
  const pairSlot = await reserveSlot(dbOf(ctx), {
    key: pairKey,
    intervalMs: PAIR_INTERVAL_MS,
    burst: pairBurst(send),
    maxWaitMs: 0,
  });
  // A pair wait must not hold up other recipients (T5c): this one goes back to the queue instead.
  if (!pairSlot.ok) return release(ctx, send, pairSlot.retryAfterMs, false);
  // From here until the Graph call, a send that does not happen gives its pair slot back: otherwise a
  // refused number slot would cost the recipient another 6 s.
  const giveBackPair = () => returnSlot(dbOf(ctx), { key: pairKey, intervalMs: PAIR_INTERVAL_MS });

  let body: Record<string, unknown>;
  try {
    // Before taking a number slot: uploads and lookups must not eat into the number's pacing.
    const resolved = await resolve(ctx, send);
    if ("error" in resolved) {
      await giveBackPair();
      return fail(ctx, send, resolved.error);
    }
    body = buildSendBody({
      message: resolved.message,
      recipient: { phone: send.recipient_phone, bsuid: send.recipient_bsuid },
      callbackData: `${CALLBACK_PREFIX}${send.message_id}`,
    });
  } catch (error) {
    await giveBackPair();
    return onGraphError(ctx, send, error);
  }

  const started = await startInNumberSlot(ctx, send, (onDispatch) =>
    graphJson<{ messages?: { id?: string }[] }>(`${send.pnid}/messages`, {
      method: "POST",
      json: body,
      timeoutMs: GRAPH_SEND_TIMEOUT_MS,
      accessToken: numberToken(send),
      // Meta ignores it; our simulator counts sends per key to prove "at most once" (BENCHMARKS.md R5).
      headers: send.idempotency_key ? { "idempotency-key": send.idempotency_key } : {},
      onDispatch,
    }),
  );
  if (!started.ok) {
    await giveBackPair();
    const afterMs = started.full
      ? await waitlistDelayMs(ctx, send, started.retryAfterMs)
      : started.retryAfterMs;
    return release(ctx, send, afterMs, false);
  }

  try {
    const response = await started.call;
    const wamid = response?.messages?.[0]?.id;
    if (!wamid) throw new UpstreamError("Graph API accepted the message without an id", false);
    await recordAccepted(ctx, send, wamid);
    return "accepted";
  } catch (error) {
    return onGraphError(ctx, send, error);
  } finally {
    await started.accounted;
  }
}

// Late slots given up in a row before the send goes back to the queue (a starved event loop).
const MAX_LATE_SLOTS = 4;
const pgClock = new PgClock();
// What the exact limit costs when a process wakes or sends late (CPU-starved, busy event loop), and how
// often the key ran dry (a slot at the earliest possible time: the queue did not keep it busy). Reported
// every 30 s so an operator (and bench:send) can tell lost throughput from a slow queue.
const SLOT_REPORT_MS = 30_000;
const noSlotsYet = () => ({
  taken: 0,
  unused: 0,
  extended: 0,
  idle: 0,
  lateDispatches: 0,
  lateDispatchMs: 0,
  maxLateDispatchMs: 0,
  unaccounted: 0,
  since: performance.now(),
});
const slotStats = noSlotsYet();

/** `extended` and `idle` describe a slot that is then counted as used or unused too. */
function countSlot(outcome: "used" | "unused" | "extended" | "idle") {
  if (outcome === "used" || outcome === "unused") slotStats.taken++;
  if (outcome === "unused") slotStats.unused++;
  if (outcome === "extended") slotStats.extended++;
  if (outcome === "idle") slotStats.idle++;
  reportSlots();
}

function reportSlots() {
  const now = performance.now();
  if (now - slotStats.since < SLOT_REPORT_MS) return;
  const s = slotStats;
  if (s.unused + s.extended + s.idle + s.lateDispatches > 0)
    console.warn(
      `[messaging] number slots unused: ${s.unused} of ${s.taken} in ${Math.round((now - s.since) / 1000)} s (sends woke too late for them); ` +
        `extended ${s.extended}, idle ${s.idle}; late requests ${s.lateDispatches} (${Math.round(s.lateDispatchMs)} ms in all, max ${Math.round(s.maxLateDispatchMs)} ms, unaccounted ${s.unaccounted})`,
    );
  Object.assign(slotStats, noSlotsYet());
}

/**
 * When a campaign send refused by its number's limiter should try again. Without this, every refused send
 * of a backlog comes back as soon as the next slot frees, and all but one are refused again: at 5 msg/s a
 * 1,500-send backlog made several jobs per second per send. A ticket on the number's waitlist (a second
 * GCRA key, paced like the number) spreads them over the time the backlog needs, in the order refused; one
 * refused again on its turn (an agent took the slot) takes the next free turn. Agent and bot sends keep
 * retrying at once: they run ahead of campaigns (job priority), not behind them.
 */
async function waitlistDelayMs(ctx: Ctx, send: Claimed, retryAfterMs: number): Promise<number> {
  if (send.priority !== SEND_PRIORITY.campaign) return retryAfterMs;
  const limit = numberSendLimit(send);
  const ticket = await reserveSlot(dbOf(ctx), {
    key: limiterKeys.waitlist(send.number_id),
    intervalMs: numberIntervalMs(limit),
    maxWaitMs: WAITLIST_MAX_MS,
    // Half a wait later than the slots first have room: turns then find the slots half full, with room
    // for a clump of them (the queue polls every 0.5 s) and for a late one.
    leadMs: retryAfterMs + MAX_SLOT_WAIT_MS / 2,
  });
  return ticket.ok ? ticket.delayMs : ticket.retryAfterMs;
}

/** How many pair-rate tokens this send may use: agents and bot answers may burst, the rest is paced. */
function pairBurst(send: Claimed): number {
  if (send.priority === 0) return AGENT_PAIR_BURST;
  if (send.priority === BOT_PRIORITY && send.answers_customer) return BOT_REPLY_PAIR_BURST;
  return 1;
}

/**
 * Starts `call` (the Graph request) inside this number's next slot, or says when to try again. The rule that
 * keeps every 1 s window at the limit (T5): a request starts only within [slot, slot + SLOT_START_WINDOW_MS]
 * on Postgres' clock, with the clock offset's uncertainty taken against us at both ends. Whatever makes us
 * late (a busy event loop, a slow timer, a slow round trip) only ever costs throughput (later slots pushed
 * back, or this one left unused for a fresh one), never a crowded window. Check and call are one
 * synchronous step; a request whose bytes still left late (the process descheduled inside fetch) pushes the
 * later slots back after the fact (`accounted`, settled before the job ends).
 */
async function startInNumberSlot<T>(
  ctx: Ctx,
  send: Claimed,
  call: (onDispatch: (atMs: number) => void) => Promise<T>,
): Promise<
  | { ok: true; call: Promise<T>; accounted: Promise<void> }
  /** `full`: every slot within MAX_SLOT_WAIT_MS is taken (else this process woke too late for its slots). */
  | { ok: false; retryAfterMs: number; full: boolean }
> {
  const limit = numberSendLimit(send);
  const intervalMs = numberIntervalMs(limit);
  const key = limiterKeys.number(send.number_id);
  const start = (slotAtMs: number, latest: number) => {
    let dispatched: (atMs: number) => void = () => {};
    const dispatch = new Promise<number | null>((resolve) => {
      dispatched = resolve;
    });
    const started = call(dispatched);
    countSlot("used");
    // The headers are written before any answer comes back; no dispatch by then means none was observed.
    const settled = started.then(
      () => null,
      () => null,
    );
    const accounted = Promise.race([dispatch, settled]).then((at) =>
      at === null || at <= latest ? undefined : accountLate(ctx, { key, slotAtMs, limit, at, latest }),
    );
    return { ok: true as const, call: started, accounted };
  };
  for (let late = 0; late < MAX_LATE_SLOTS; late++) {
    let askedAt = performance.now();
    const leadMs = pgClock.leadMs();
    const slot = await reserveSlot(dbOf(ctx), { key, intervalMs, maxWaitMs: MAX_SLOT_WAIT_MS, leadMs });
    pgClock.observe(askedAt, performance.now(), slot.pgNowMs);
    if (!slot.ok) return { ok: false, retryAfterMs: slot.retryAfterMs, full: true };
    if (slot.delayMs <= leadMs) countSlot("idle");
    const span = pgClock.localWindow(slot.slotAtMs, SLOT_START_WINDOW_MS);
    if (!span) {
      countSlot("unused");
      continue;
    }
    await sleepUntil(span.earliest);
    if (performance.now() <= span.latest) return start(slot.slotAtMs, span.latest);
    // Woke too late: push the slots a second on back by the lateness, or leave this one unused for a fresh
    // one, whichever costs the number less throughput. The push works while fewer than `limit` slots are
    // reserved after ours; a shorter reservation horizon would allow it at 5 msg/s too, but starves the slots
    // instead (a bounced job comes back through pg-boss late).
    const lateMs = performance.now() - span.earliest;
    if (!latePushPays({ lateMs, roundTripMs: pgClock.leadMs(), intervalMs })) {
      countSlot("unused");
      continue;
    }
    askedAt = performance.now();
    const later = await extendSlot(dbOf(ctx), {
      key,
      slotAtMs: slot.slotAtMs,
      limit,
      startWithinMs: pgClock.leadMs() + SLOT_START_WINDOW_MS,
    });
    pgClock.observe(askedAt, performance.now(), later.pgNowMs);
    const deadline = later.ok ? pgClock.localDeadline(later.startByMs) : -Infinity;
    if (performance.now() <= deadline) {
      countSlot("extended");
      return start(slot.slotAtMs, deadline);
    }
    countSlot("unused");
  }
  return { ok: false, retryAfterMs: intervalMs, full: false };
}

/**
 * A request that left after its start deadline (`latest`, local): the later slots move back as for a late
 * wake, from the latest Postgres time its dispatch may have had. Counted, and logged when it came too late to
 * move them (as many slots after ours were reserved as the limit allows in 1 s).
 */
async function accountLate(
  ctx: Ctx,
  input: { key: string; slotAtMs: number; limit: number; at: number; latest: number },
): Promise<void> {
  const lateMs = input.at - input.latest;
  slotStats.lateDispatches++;
  slotStats.lateDispatchMs += lateMs;
  slotStats.maxLateDispatchMs = Math.max(slotStats.maxLateDispatchMs, lateMs);
  try {
    const startedAtMs = input.at + pgClock.bounds().hi;
    // No clock sample (cannot happen after a reservation): nothing to place the start at.
    if (!Number.isFinite(startedAtMs)) throw new Error("Postgres' clock offset is unknown");
    const moved = await accountLateStart(dbOf(ctx), {
      key: input.key,
      slotAtMs: input.slotAtMs,
      limit: input.limit,
      startedAtMs,
    });
    if (moved) return;
    slotStats.unaccounted++;
    console.warn(
      `[messaging] a send left ${Math.round(lateMs)} ms after its slot's window, too late to move the later slots`,
    );
  } catch (error) {
    // The send itself went out; its job must still record Meta's answer.
    slotStats.unaccounted++;
    console.warn(`[messaging] could not account a late send: ${(error as Error).message}`);
  }
}

/** Sleeps until performance.now() reaches `at`; a timer may fire up to 1 ms early, so the rest is polled. */
async function sleepUntil(at: number): Promise<void> {
  for (let wait = at - performance.now(); wait > 0; wait = at - performance.now())
    if (wait >= 1) await sleep(wait);
    else await new Promise<void>((resolve) => setImmediate(resolve));
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
        -- Meta already took it (its status linked the wamid, e.g. replayed after a restore): the sweep settles it.
        and not exists (select 1 from messages w where w.id = s.message_id and w.wamid is not null)
      returning s.*
    )
    select s.message_id, m.conversation_id, n.id as number_id, n.phone_number_id as pnid, n.access_token_sealed, n.waba_id, n.coexistence,
           n.send_rate_limit, n.sending_paused_at is not null as sending_paused, s.input, s.recipient_phone,
           s.recipient_bsuid, s.priority, s.attempts, m.idempotency_key, m.reply_to_wamid, c.window_expires_at,
           coalesce(c.window_expires_at > clock_timestamp(), false) as window_open,
           s.next_attempt_at > s.created_at as requeued,
           s.priority = ${BOT_PRIORITY} and exists (
             select 1 from messages i
             where i.conversation_id = m.conversation_id and i.direction = 'inbound' and i.source = 'customer'
               and i.created_at <= m.created_at
               and i.created_at > m.created_at - make_interval(secs => ${BOT_REPLY_FRESH_SECONDS})
           ) as answers_customer
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

// Meta took the message, so its wamid must be recorded even while Postgres restarts: otherwise the sweep
// takes the lapsed claim for a send that never happened and sends it again (R4, R5).
const ACCEPT_RETRY_MS = 60_000;

async function recordAccepted(ctx: Ctx, send: Claimed, wamid: string) {
  const deadline = performance.now() + ACCEPT_RETRY_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await accept(ctx, send, wamid);
    } catch (error) {
      if (!isDatabaseConnectionError(error) || performance.now() + delay > deadline) throw error;
      console.warn(`[messaging] recording Meta's accept of ${send.message_id} waits for the database`);
      await sleep(delay);
    }
  }
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
  if (touch)
    await publishConversationChanged({
      ...touch,
      messageId: send.message_id,
      messageIds: [send.message_id],
      reason: "status",
    });
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
  const jobId = crypto.randomUUID();
  const [row] = await dbOf(ctx).execute<{ start_ms: string | number }>(sql`
    update outbound_sends set state = 'queued', lease_until = null, job_id = ${jobId},
      attempts = attempts - ${countsAsAttempt ? 0 : 1},
      next_attempt_at = clock_timestamp() + ${after}::interval,
      last_error = coalesce(${info ? JSON.stringify(info) : null}::jsonb, last_error)
    where message_id = ${send.message_id} and state = 'sending'
    returning extract(epoch from next_attempt_at) * 1000 as start_ms`);
  // The job starts when the row says, on Postgres' clock: this process's own may be minutes off (R18).
  const startAt = row ? new Date(Number(row.start_ms)) : undefined;
  await scheduleSend(send.message_id, { startAt, priority: send.priority, jobId });
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
  if (touch)
    await publishConversationChanged({
      ...touch,
      messageId: send.message_id,
      // A marketing stop adds a timeline row too: name no rows, so clients reload the thread with it.
      messageIds: info.code === STOPPED_MARKETING ? undefined : [send.message_id],
      reason: "status",
    });
  return "failed";
}
