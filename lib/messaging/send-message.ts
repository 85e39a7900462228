import { personId } from "@/lib/auth/actor";
import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { emitAudit, emitAuditBatch, type AuditEntry } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { pauseBotForHuman } from "@/lib/bots";
import { marketingOptedOut } from "@/lib/consent";
import { emitIntegrationEvent } from "@/lib/integrations";
import { getConversation, recordFirstResponse, selectMessageDto } from "@/lib/conversations";
import type { MessageDto } from "@/lib/conversations/schemas";
import { withTransaction, dbOf, type Ctx } from "@/lib/db/context";
import type { Actor } from "@/lib/auth/actor";
import type { Tx } from "@/lib/db/client";
import { ZodError } from "zod";
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { limiterKeys, reserveSlot } from "./rate-limiter";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { outboundMessageInput, previewText, type OutboundMessageInput } from "./send-payload";
import { scheduleSend, scheduleSends } from "./schedule";
import {
  buildTemplateComponents,
  checkTemplateSendable,
  renderTemplatePreview,
  type TemplateMediaRef,
  type TemplateSendInput,
} from "./template-params";

// Agents first, then bots, then campaigns when a number is at its limit.
export const SEND_PRIORITY = { agent: 0, bot: 1, campaign: 2 } as const;

export type SendResult = { message: MessageDto; replayed: boolean };

/** A send refused before it reaches Meta, with the agent-facing explanation (e.g. the window is closed). */
export class SendRefusedError extends AppError {
  constructor(code: string, message: string, details: Record<string, unknown>) {
    super(code, message, 422, { details });
  }
}

export class TooManySendsError extends AppError {
  constructor(retryAfterMs: number) {
    super("rate_limited", "You are sending too fast; wait a moment", 429, {
      details: { retry_after_ms: retryAfterMs },
    });
  }
}

// An agent may type bursts, but not script 100 sends/s (BENCHMARKS.md R15): 5/s sustained, 20 in a burst.
const USER_SEND_INTERVAL_MS = 200;
const USER_SEND_BURST = 20;

/**
 * Queues a message to the conversation's customer (DESIGN.md "Outbound"): validates everything Meta would
 * refuse that we can know (window, template, consent), stores the message `queued` with the client's
 * idempotency key, and hands it to the send queue. The same key again returns the first message.
 */
export async function sendMessage({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    conversationId: string;
    idempotencyKey?: string | null;
    message: unknown;
    /** Who the message is from when the system sends it (bots, campaigns); users always send as `agent`. */
    source?: "bot" | "campaign";
  };
}): Promise<SendResult> {
  const conversation = await getConversation({ ctx, input: { id: input.conversationId } });
  assertCan(ctx.actor, "conversations:reply", {
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
  });
  const parsed = outboundMessageInput.safeParse(input.message);
  if (!parsed.success) throw parsed.error;
  const message = parsed.data;
  const key = normalizeKey(input.idempotencyKey);
  const requestHash = hashRequest(conversation.id, message);

  const existing = await findByKey(ctx, key, requestHash, conversation.id);
  if (existing) return { message: existing, replayed: true };

  if (ctx.actor.type === "user") {
    const slot = await reserveSlot(dbOf(ctx), {
      key: limiterKeys.user(ctx.actor.id),
      intervalMs: USER_SEND_INTERVAL_MS,
      burst: USER_SEND_BURST,
      maxWaitMs: 0,
    });
    if (!slot.ok) throw new TooManySendsError(slot.retryAfterMs);
  }

  const actor = ctx.actor;
  const source = actor.type === "user" ? "agent" : (input.source ?? "bot");
  const outcome = await withTransaction(ctx, async (tx) => {
    const target = await loadTarget(tx, conversation.id);
    const resolved = await checkSendable(tx, target, message);
    if ("refused" in resolved) return resolved;
    const queued = await insertQueued(tx, actor, { target, message, resolved, key, requestHash, source });
    if ("raced" in queued) return queued;
    await emitAudit(tx, actor, queued.audit);
    return queued;
  });

  if ("refused" in outcome) {
    if (outcome.audit)
      await withTransaction(ctx, (tx) =>
        emitAudit(tx, actor, {
          action: "message.send_refused",
          entityType: "conversation",
          entityId: conversation.id,
          data: { reason: outcome.code },
        }),
      );
    throw new SendRefusedError(outcome.code, outcome.message, outcome.details);
  }
  if ("raced" in outcome) {
    const winner = await findByKey(ctx, key, requestHash, conversation.id);
    if (!winner) throw new ConflictError("The same Idempotency-Key is being sent; retry shortly");
    return { message: winner, replayed: true };
  }
  if (!outcome.held) await scheduleSend(outcome.messageId, { priority: outcome.priority });
  await publishConversationChanged({
    conversationId: conversation.id,
    teamId: conversation.team_id,
    assigneeId: conversation.assignee_id,
    seq: outcome.seq,
    // Named, so open threads fetch just this message instead of reloading.
    messageId: outcome.messageId,
    reason: "message",
  });
  const dto = await selectMessageDto(dbOf(ctx), outcome.messageId);
  if (!dto) throw new NotFoundError("Message");
  return { message: dto, replayed: false };
}

export type BatchSend = { conversationId: string; idempotencyKey: string; message: unknown };
/** Per send, in input order: the queued (or earlier) message, or the error sendMessage would have thrown. */
export type BatchSendOutcome = { messageId: string; replayed: boolean } | { error: AppError | ZodError };

/**
 * sendMessage for many sends from the system at once (a campaign step): the same checks, rows and
 * idempotency per send, but one transaction, one audit append for all of them (one hold of the audit
 * chain's lock instead of one per send) and one enqueue, so queuing keeps ahead of an 80 msg/s number
 * (BENCHMARKS.md T5b). A send's own refusal or invalid input is returned for that send; the others go on.
 */
export async function sendMessageBatch({
  ctx,
  input,
  within,
}: {
  ctx: Ctx;
  input: { sends: BatchSend[]; source: "bot" | "campaign" };
  /**
   * Run inside the batch's transaction: `before` first (it may throw to queue nothing, e.g. the campaign was
   * paused), `after` once every send is written, with the outcomes so far (the caller's own bookkeeping,
   * committed atomically with the messages).
   */
  within?: {
    before?: (tx: Tx) => Promise<void>;
    after?: (tx: Tx, outcomes: (BatchSendOutcome | undefined)[]) => Promise<void>;
  };
}): Promise<BatchSendOutcome[]> {
  const actor = ctx.actor;
  // Agents send one message at a time, through sendMessage's per-user pacing.
  if (actor.type === "user") throw new ForbiddenError("Batch sends are for system senders");
  const results: (BatchSendOutcome | undefined)[] = new Array(input.sends.length);
  const prepared: {
    index: number;
    conversationId: string;
    message: OutboundMessageInput;
    key: string;
    requestHash: string;
  }[] = [];
  for (const [index, send] of input.sends.entries()) {
    try {
      const message = outboundMessageInput.parse(send.message);
      prepared.push({
        index,
        conversationId: send.conversationId,
        message,
        key: normalizeKey(send.idempotencyKey),
        requestHash: hashRequest(send.conversationId, message),
      });
    } catch (error) {
      if (error instanceof AppError || error instanceof ZodError) results[index] = { error };
      else throw error;
    }
  }
  // Replays first, in one query: a rerun step finds its earlier messages and queues nothing twice.
  const earlier = await selectByKeys(
    ctx,
    prepared.map((p) => p.key),
  );
  const fresh = prepared.filter((p) => {
    const row = earlier.get(p.key);
    if (!row) return true;
    results[p.index] =
      row.request_hash !== p.requestHash || row.conversation_id !== p.conversationId
        ? { error: new ConflictError("This Idempotency-Key was already used for a different message") }
        : { messageId: row.id, replayed: true };
    return false;
  });

  const queued: (Queued & { index: number; target: Target })[] = [];
  const raced: typeof fresh = [];
  await withTransaction(ctx, async (tx) => {
    await within?.before?.(tx);
    // The sends run side by side: their statements are pipelined on the transaction's one connection
    // (postgres.js), so a batch costs a few round trips of latency rather than five per send.
    const audits: { index: number; entry: AuditEntry }[] = [];
    // Locked in conversation order, so two overlapping batches cannot deadlock each other.
    fresh.sort((x, y) =>
      x.conversationId < y.conversationId ? -1 : x.conversationId > y.conversationId ? 1 : 0,
    );
    await Promise.all(
      fresh.map(async (p) => {
        let checked: { target: Target; resolved: Checked } | undefined;
        try {
          const target = await loadTarget(tx, p.conversationId);
          assertCan(actor, "conversations:reply", { teamId: target.team_id, assigneeId: target.assignee_id });
          const resolved = await checkSendable(tx, target, p.message);
          if ("refused" in resolved) {
            results[p.index] = {
              error: new SendRefusedError(resolved.code, resolved.message, resolved.details),
            };
            if (resolved.audit)
              audits.push({
                index: p.index,
                entry: {
                  action: "message.send_refused",
                  entityType: "conversation",
                  entityId: target.conversation_id,
                  data: { reason: resolved.code },
                },
              });
          } else checked = { target, resolved };
        } catch (error) {
          // These checks write nothing, so the transaction stays good for the other sends.
          if (error instanceof AppError || error instanceof ZodError) results[p.index] = { error };
          else throw error;
        }
        if (!checked) return;
        const outcome = await insertQueued(tx, actor, { ...checked, ...p, source: input.source });
        if ("raced" in outcome) raced.push(p);
        else {
          audits.push({ index: p.index, entry: outcome.audit });
          queued.push({ ...outcome, index: p.index, target: checked.target });
        }
      }),
    );
    for (const q of queued) results[q.index] = { messageId: q.messageId, replayed: false };
    await within?.after?.(tx, results);
    // In input order, so the chain reads like the batch.
    audits.sort((x, y) => x.index - y.index);
    await emitAuditBatch(
      tx,
      actor,
      audits.map((a) => a.entry),
    );
  });

  const priority = SEND_PRIORITY[input.source];
  await scheduleSends(
    queued.filter((q) => !q.held).map((q) => q.messageId),
    { priority },
  );
  for (const q of queued)
    await publishConversationChanged({
      conversationId: q.target.conversation_id,
      teamId: q.target.team_id,
      assigneeId: q.target.assignee_id,
      seq: q.seq,
      messageId: q.messageId,
      reason: "message",
    });
  if (raced.length > 0) {
    const winners = await selectByKeys(
      ctx,
      raced.map((p) => p.key),
    );
    for (const p of raced) {
      const row = winners.get(p.key);
      results[p.index] = row
        ? { messageId: row.id, replayed: true }
        : { error: new ConflictError("The same Idempotency-Key is being sent; retry shortly") };
    }
  }
  return results.map((r) => r ?? { error: new ConflictError("The send was not queued; retry shortly") });
}

type Source = "agent" | "bot" | "campaign";
type Queued = { messageId: string; seq: number; held: boolean; priority: number; audit: AuditEntry };

/**
 * The message row (`queued`, with the key), its send row and the conversation's touch, in the caller's
 * transaction after checkSendable passed. The audit entry is returned for the caller to append (one at a
 * time, or a whole batch under one lock); the send is woken by the caller after commit.
 */
async function insertQueued(
  tx: Tx,
  actor: Actor,
  {
    target,
    message,
    resolved,
    key,
    requestHash,
    source,
  }: {
    target: Target;
    message: OutboundMessageInput;
    resolved: Checked;
    key: string;
    requestHash: string;
    source: Source;
  },
): Promise<Queued | { raced: true }> {
  const [row] = await tx.execute<{ id: string }>(sql`
      insert into messages (conversation_id, direction, source, type, text, content, reply_to_wamid, timestamp,
                            status, author_id, idempotency_key, request_hash)
      values (${target.conversation_id}, 'outbound', ${source}::message_source, ${message.type},
              ${resolved.text ?? (message.type === "text" ? message.text : previewText(message))}, ${JSON.stringify(message)}::jsonb,
              ${resolved.replyToWamid}, clock_timestamp(), 'queued', ${personId(actor)},
              ${key}, ${requestHash})
      on conflict (idempotency_key) where idempotency_key is not null do nothing
      returning id`);
  // A concurrent request with the same key won the insert: answer with its message.
  if (!row) return { raced: true as const };
  await tx.execute(sql`
      insert into outbound_sends (message_id, phone_number_id, input, recipient_phone, recipient_bsuid,
                                  priority, state, hold_reason, created_by)
      values (${row.id}, ${target.number_id}, ${JSON.stringify(message)}::jsonb, ${target.phone}, ${target.bsuid},
              ${SEND_PRIORITY[source]}, ${target.sending_paused ? "held" : "queued"}::send_state,
              ${target.sending_paused ? "number" : null}, ${personId(actor)})`);
  if (resolved.upload) await attachUpload(tx, row.id, resolved.upload);
  const [touched] = await tx.execute<{ seq: string }>(sql`
      update conversations set
        last_message_at = greatest(last_message_at, clock_timestamp()),
        last_message_preview = ${resolved.text?.slice(0, 140) ?? previewText(message)},
        first_reply_after_referral_at = case
          when referral_at is not null and first_reply_after_referral_at is null then clock_timestamp()
          else first_reply_after_referral_at end,
        seq = seq + 1, updated_at = now()
      where id = ${target.conversation_id}
      returning seq`);
  await emitIntegrationEvent(tx, "message.created", {
    message_id: row.id,
    conversation_id: target.conversation_id,
    source,
    type: message.type,
    text: resolved.text ?? null,
    author_id: personId(actor),
  });
  // An agent answering stops the bot in this conversation at once.
  if (source === "agent")
    await pauseBotForHuman(tx, {
      conversationId: target.conversation_id,
      reason: "agent_replied",
      actor,
      at: new Date(),
    });
  // A reply (not a campaign blast) answers whoever was waiting; an agent's is the cycle's first response.
  if (source !== "campaign")
    await recordFirstResponse(tx, target.conversation_id, new Date(), source === "agent");
  const audit: AuditEntry = {
    action: message.type === "template" ? "message.template_sent" : "message.sent",
    entityType: "message",
    entityId: row.id,
    data:
      message.type === "template"
        ? { template_id: message.template_id, conversation_id: target.conversation_id }
        : { type: message.type, conversation_id: target.conversation_id },
  };
  return {
    audit,
    messageId: row.id,
    seq: Number(touched?.seq ?? 0),
    held: target.sending_paused,
    priority: SEND_PRIORITY[source],
  };
}

type Target = {
  conversation_id: string;
  number_id: string;
  waba_id: string;
  window_expires_at: string | null;
  /** Compared on Postgres' clock: a process whose clock is off must not open or close windows (R18). */
  window_open: boolean;
  phone: string | null;
  bsuid: string | null;
  marketing_preference: string | null;
  sending_paused: boolean;
  team_id: string | null;
  assignee_id: string | null;
};

async function loadTarget(tx: Tx, conversationId: string): Promise<Target> {
  const [row] = await tx.execute<Target>(sql`
    select c.id as conversation_id, n.id as number_id, n.waba_id, c.window_expires_at,
           coalesce(c.window_expires_at > now(), false) as window_open, ct.phone, coalesce(ct.bsuid, ct.parent_bsuid) as bsuid,
           ct.marketing_preference, n.sending_paused_at is not null as sending_paused, c.team_id, c.assignee_id
    from conversations c
    join phone_numbers n on n.id = c.phone_number_id
    join contacts ct on ct.id = c.contact_id
    where c.id = ${conversationId}
    for update of c`);
  if (!row) throw new NotFoundError("Conversation");
  return row;
}

type Refusal = {
  refused: true;
  code: string;
  message: string;
  details: Record<string, unknown>;
  audit?: boolean;
};
/** `text`: what the thread and list show for it, when it differs from the input (a template's filled-in body). */
type Checked = { replyToWamid: string | null; upload: Upload | null; text?: string };
type Upload = {
  id: string;
  storage_key: string;
  mime_type: string;
  filename: string | null;
  file_size: number;
};

/** Everything we can refuse before Meta would: a closed window, an unsendable template, no consent. */
async function checkSendable(
  tx: Tx,
  target: Target,
  message: OutboundMessageInput,
): Promise<Checked | Refusal> {
  if (!target.phone && !target.bsuid)
    return refusal("no_recipient", "This contact has neither a phone number nor a WhatsApp user id", {});
  if (message.type !== "template" && !target.window_open) {
    const info = describeSendError(131047);
    return refusal("window_closed", `${info.title}. ${info.hint}`, { send_error: info, field: "type" });
  }
  let templateText: string | undefined;
  if (message.type === "template") {
    const [template] = await tx.execute<{
      name: string;
      language: string;
      category: string;
      status: string;
      components: unknown;
    }>(sql`select name, language, category, status, components from templates
           where id = ${message.template_id} and waba_id = ${target.waba_id}`);
    if (!template)
      throw new ValidationError("template_id does not name a template of this number", {
        field: "template_id",
      });
    const sendable = checkTemplateSendable(template);
    if (!sendable.ok) {
      const info = describeSendError(sendable.code);
      return refusal("template_unavailable", `${info.title}. ${info.hint}`, {
        send_error: info,
        field: "template_id",
      });
    }
    const built = buildTemplateComponents(template, toTemplateSendInput(message, { id: "pending-upload" }));
    templateText = renderTemplatePreview(template, message.variables).body;
    if (!built.ok) throw new ValidationError(`${built.field}: ${built.message}`, { field: built.field });
    // WhatsApp's own stop (user_preferences), or the newest consent we recorded (keyword, agent, 131050).
    if (
      template.category === "MARKETING" &&
      (target.marketing_preference === "stop" || (await marketingOptedOut(tx, target.conversation_id)))
    ) {
      const info = describeSendError(131050);
      return {
        ...refusal("marketing_opted_out", `${info.title}. ${info.hint}`, { send_error: info }),
        audit: true,
      };
    }
  }
  const replyToId = message.type === "reaction" ? message.message_id : message.reply_to;
  let replyToWamid: string | null = null;
  if (replyToId) {
    const [quoted] = await tx.execute<{ wamid: string | null }>(sql`
      select wamid from messages where id = ${replyToId} and conversation_id = ${target.conversation_id}`);
    const field = message.type === "reaction" ? "message_id" : "reply_to";
    if (!quoted)
      throw new ValidationError(`${field} does not name a message in this conversation`, { field });
    if (!quoted.wamid) throw new ValidationError(`${field} names a message that is not sent yet`, { field });
    replyToWamid = quoted.wamid;
  }
  let upload: Upload | null = null;
  const uploadId =
    message.type === "template" ? message.header?.media_id : "media_id" in message ? message.media_id : null;
  if (uploadId) {
    const [row] = await tx.execute<Upload>(sql`
      select id, storage_key, mime_type, filename, file_size from outbound_uploads where id = ${uploadId}`);
    if (!row) throw new ValidationError("media_id does not name an uploaded file", { field: "media_id" });
    upload = row;
  }
  return { replyToWamid, upload, ...(templateText ? { text: templateText } : {}) };
}

/**
 * The API's template fields → what template-params builds from. A header file we uploaded is referred to by
 * `uploadedRef` (a placeholder while validating, Meta's media id at send time).
 */
export function toTemplateSendInput(
  message: Extract<OutboundMessageInput, { type: "template" }>,
  uploadedRef: TemplateMediaRef,
): TemplateSendInput {
  const header = message.header;
  return {
    variables: message.variables,
    buttons: message.buttons,
    header: header
      ? {
          text: header.text,
          filename: header.filename,
          location: header.location,
          media: header.media_id ? uploadedRef : header.link ? { link: header.link } : undefined,
        }
      : undefined,
  };
}

function refusal(code: string, message: string, details: Record<string, unknown>): Refusal {
  return { refused: true, code, message, details };
}

/** The thread shows outbound media from our own copy; `upload:` marks a file Meta has no id for yet. */
async function attachUpload(tx: Tx, messageId: string, upload: Upload) {
  await tx.execute(sql`
    insert into media (message_id, meta_media_id, mime_type, filename, file_size, storage_key, state, stored_at)
    values (${messageId}, ${`upload:${upload.id}`}, ${upload.mime_type}, ${upload.filename}, ${upload.file_size},
            ${upload.storage_key}, 'stored', now())`);
}

async function findByKey(
  ctx: Ctx,
  key: string,
  requestHash: string,
  conversationId: string,
): Promise<MessageDto | undefined> {
  const [row] = await dbOf(ctx).execute<{
    id: string;
    request_hash: string | null;
    conversation_id: string;
  }>(sql`
    select id, request_hash, conversation_id from messages where idempotency_key = ${key}`);
  if (!row) return undefined;
  if (row.request_hash !== requestHash || row.conversation_id !== conversationId)
    throw new ConflictError("This Idempotency-Key was already used for a different message");
  return selectMessageDto(dbOf(ctx), row.id);
}

async function selectByKeys(ctx: Ctx, keys: string[]) {
  if (keys.length === 0)
    return new Map<string, { id: string; request_hash: string | null; conversation_id: string }>();
  const rows = await dbOf(ctx).execute<{
    id: string;
    idempotency_key: string;
    request_hash: string | null;
    conversation_id: string;
  }>(sql`
    select id, idempotency_key, request_hash, conversation_id from messages
    where idempotency_key = any(${`{${keys.map((k) => JSON.stringify(k)).join(",")}}`}::text[])`);
  return new Map(rows.map((r) => [r.idempotency_key, r]));
}

function normalizeKey(key: string | null | undefined): string {
  if (key === undefined || key === null || key === "") return crypto.randomUUID();
  if (key.length > 200 || !/^[\x21-\x7e]+$/.test(key))
    throw new ValidationError("Idempotency-Key must be 1–200 visible ASCII characters", {
      field: "Idempotency-Key",
    });
  return key;
}

function hashRequest(conversationId: string, message: OutboundMessageInput): string {
  return crypto.createHash("sha256").update(conversationId).update(JSON.stringify(message)).digest("hex");
}
