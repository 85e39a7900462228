import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { applyConsentKeyword, applyMetaPreference, applyStatusConsent } from "@/lib/consent";
import {
  ContactLookahead,
  changeIdentity,
  resolveContact,
  resolveContacts,
  setMarketingPreference,
  syncAddressBookEntry,
} from "@/lib/contacts";
import {
  addTimelineEvent,
  applyMessageChange,
  applyReaction,
  applyStatus,
  applyStatuses,
  importHistoryChunk,
  recordMessage,
  touchConversation,
  touchConversationsInOrder,
  type ConversationTouch,
  type RaisedMessage,
} from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { recordMessageMedia, scheduleMediaDownload } from "@/lib/media";
import {
  addHistoryChunk,
  applyAccountUpdate,
  findNumberByMetaId,
  recordAppActivity,
  recordContactSync,
  recordHistoryDeclined,
  recordHistoryProgress,
  type HistoryAdded,
  type HistoryProgress,
  type PhoneNumber,
} from "@/lib/numbers";
import type { ConversationChanged, NumberChanged, RealtimeEnvelope } from "@/lib/realtime/events";
import { conversationEnvelope, numberEnvelope, publishMany } from "@/lib/realtime/publish";
import { emitIntegrationEvents, integrationEvent, type PendingIntegrationEvent } from "@/lib/integrations";
import { routeTeams } from "@/lib/routing";
import { pauseBotForHuman, scheduleBotRun } from "@/lib/bots";
import { applyTemplateUpdate } from "@/lib/templates";
import { csatAnswerKeepsResolved, csatReplyOf, recordCsatAnswer } from "@/lib/csat";
import type {
  CustomerIdentity,
  DomainEvent,
  HistoryChunk,
  NormalizeFailure,
  StatusUpdated,
} from "@/lib/whatsapp/events";
import { normalizeWebhook } from "@/lib/whatsapp/normalize";
import { groupBy } from "@/lib/utils/group";

type Publication =
  | {
      type: "conversation";
      touch: ConversationTouch;
      messageId?: string;
      /** The messages whose rows changed: open threads re-read only those. */
      messageIds?: string[];
      reason: ConversationChanged["reason"];
    }
  | { type: "number"; numberId: string; reason: NumberChanged["reason"] };

/** Jobs to enqueue after commit, like publications: a job must never look for uncommitted rows. */
type AfterCommitJob =
  { type: "media.download"; mediaId: string } | { type: "bot.run"; conversationId: string };

export type ApplyOutcome =
  { state: "skipped" } | { state: "processed" | "failed"; applied: number; failures: NormalizeFailure[] };

/**
 * Applies one stored webhook by id (replays, tests, the demo seed). Safe to run twice: a row that is not
 * pending, or that another worker holds, is skipped.
 */
export async function applyWebhookEvent({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { eventId: number };
}): Promise<ApplyOutcome> {
  assertCan(ctx.actor, "ingest:apply");
  const batch = await applyClaimed(ctx, [input.eventId]);
  await batch.afterCommit();
  return batch.results[0]?.outcome ?? { state: "skipped" };
}

/**
 * The workers' loop body: claims up to `limit` of the oldest pending webhooks no other worker holds (SKIP
 * LOCKED) and applies them in one transaction, one commit for the lot. Returns what it applied (empty when
 * there was nothing to do) once its publications and jobs are out.
 */
export async function applyNextWebhookEvents({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { limit?: number };
}): Promise<(ApplyOutcome & { eventId: number })[]> {
  const batch = await applyNextWebhookBatch({ ctx, input });
  await batch.afterCommit();
  return batch.applied;
}

/**
 * As applyNextWebhookEvents, but returns at commit with the publications and jobs still to send: a drain
 * lane sends them while it applies its next batch (they go out after commit either way).
 */
export async function applyNextWebhookBatch({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { limit?: number };
}): Promise<{
  applied: (ApplyOutcome & { eventId: number })[];
  /** Webhooks claimed, including those deferred to a later batch (a full claim means a backlog). */
  claimed: number;
  afterCommit: () => Promise<void>;
}> {
  assertCan(ctx.actor, "ingest:apply");
  const batch = await applyClaimed(ctx, Math.max(1, input.limit ?? DEFAULT_BATCH));
  return {
    applied: batch.results.map(({ eventId, outcome }) => ({ ...outcome, eventId })),
    claimed: batch.claimed,
    afterCommit: batch.afterCommit,
  };
}

/** One webhook at a time (kept for callers that want a single outcome). */
export async function applyNextWebhookEvent({
  ctx,
}: {
  ctx: Ctx;
}): Promise<(ApplyOutcome & { eventId: number }) | null> {
  const [first] = await applyNextWebhookEvents({ ctx, input: { limit: 1 } });
  return first ?? null;
}

type ClaimedRow = { id: string; body: Buffer; status: string };

// A webhook whose apply keeps failing for transient reasons is given up after this many tries.
const MAX_ATTEMPTS = 10;
// Webhooks per transaction by default, and at most in the careful pass. Each event that writes takes a
// subtransaction id when it runs in a savepoint; past 64 per transaction Postgres' subxid cache overflows
// and every snapshot gets slower, so stay under. The fast pass takes none: callers may claim more.
const DEFAULT_BATCH = 32;

// Immediate retries of a batch that lost a deadlock or a serialization conflict, before the backoff.
const CONFLICT_RETRIES = 2;

/** What a batch does after commit, and the writes it coalesces to its end. */
type Effects = {
  publications: Publication[];
  jobs: AfterCommitJob[];
  /** numberId → latest echo time: one UPDATE of the hot phone_numbers row per batch, not per echo. */
  appActivity: Map<string, Date>;
  /** numberId → latest address-book sync entry, written the same way. */
  contactSync: Map<string, Date>;
  /** numberId → the batch's history chunks summed: the progress row is locked only at the end, briefly. */
  historyProgress: Map<string, HistoryProgress>;
  /** phone_number_id → number, looked up once per batch. */
  numbers: Map<string, Promise<PhoneNumber | undefined>>;
  /** Integration events (an outbox), queued in one statement before the batch commits. */
  integrationEvents: PendingIntegrationEvent[];
  /** The batch's senders, read ahead in one query instead of one look-up per message. */
  contacts: ContactLookahead;
};

type EventEffects = {
  jobs: AfterCommitJob[];
  integrationEvents: PendingIntegrationEvent[];
  appActivity: [numberId: string, at: Date][];
  contactSync: [numberId: string, at: Date][];
  history: { numberId: string; event: HistoryChunk; added: HistoryAdded }[];
};

type Parsed = { id: number; events: DomainEvent[]; failures: NormalizeFailure[]; parsed: boolean };
type Result = { eventId: number; outcome: ApplyOutcome };

/** An event failed for good in a pass without savepoints: the batch is redone with one per event. */
class NeedsSavepoints extends Error {}

/** Every claimed webhook waits for a lock held elsewhere: rolled back and claimed again, waiting this time. */
class AllDeferred extends Error {}

/**
 * Claims webhooks (by id, or the oldest pending ones), parses and normalizes them, then applies every
 * domain event in one transaction and records each webhook's outcome. The first pass runs without
 * savepoints (one round trip fewer per event); if an event fails for good, the batch is rolled back and
 * redone with a savepoint per event, so that event fails alone with its reason and its siblings apply.
 * Publications and jobs go out after commit only.
 */
async function applyClaimed(
  ctx: Ctx,
  target: number[] | number,
): Promise<{ results: Result[]; claimed: number; afterCommit: () => Promise<void> }> {
  // Inside a caller's transaction a failed statement would abort it: always use savepoints there.
  let careful = Boolean(ctx.db);
  let ids = Array.isArray(target) ? target : null;
  let conflicts = 0;
  // Set once a claim found nothing it could lock without waiting: the retry waits for the oldest webhook.
  let waitForOldest = false;
  // Webhooks claimed by the first pass, which the careful pass may have narrowed (a full claim means a backlog).
  let claimed = 0;
  for (;;) {
    const effects: Effects = {
      publications: [],
      jobs: [],
      appActivity: new Map(),
      contactSync: new Map(),
      historyProgress: new Map(),
      numbers: new Map(),
      integrationEvents: [],
      contacts: new ContactLookahead(),
    };
    let claimedIds: number[] = [];
    let results: Result[];
    try {
      results = await withTransaction(ctx, async (tx) => {
        const rows = await claim(tx, ids ?? (target as number));
        claimedIds = rows.map((row) => Number(row.id));
        const pending = rows.filter((row) => row.status === "pending").map(parseRow);
        // Webhooks whose messages another batch is writing wait for a later batch (still pending).
        const deferred = await lockWamids(tx, pending, waitForOldest);
        const parsed = pending.filter((webhook) => !deferred.has(webhook.id));
        if (parsed.length === 0 && deferred.size > 0) throw new AllDeferred();
        const done = await applyEvents(tx, parsed, effects, careful);
        await emitBatchIntegrationEvents(tx, effects);
        await finish(tx, done);
        // The number's row is shared by every lane: written last, so its lock is held for the commit only.
        for (const [numberId, at] of effects.appActivity) await recordAppActivity(tx, numberId, at);
        for (const [numberId, at] of effects.contactSync) await recordContactSync(tx, numberId, at);
        // In one order (by id), so two batches touching several numbers never wait on each other crosswise.
        for (const [numberId, total] of [...effects.historyProgress].sort(([a], [b]) => (a < b ? -1 : 1)))
          await recordHistoryProgress(tx, numberId, total);
        return done;
      });
    } catch (error) {
      if (error instanceof AllDeferred) {
        waitForOldest = true;
        ids = claimedIds;
        continue;
      }
      if (error instanceof NeedsSavepoints && !careful) {
        careful = true;
        // The rest of a big claim stays pending for the next batch: a savepoint per event in more than this
        // many webhooks would overflow the transaction's subxid cache (see DEFAULT_BATCH).
        claimed = Math.max(claimed, claimedIds.length);
        ids = claimedIds.slice(0, DEFAULT_BATCH);
        continue;
      }
      if (claimedIds.length === 0 || !isTransientDatabaseError(error)) throw error;
      // A deadlock victim or serialization failure usually succeeds at once: retry the batch before backing off.
      if (isConflict(error) && conflicts++ < CONFLICT_RETRIES) {
        ids = claimedIds;
        continue;
      }
      // A deadlock or lost connection is not the webhooks' fault: they are tried again after a backoff.
      await scheduleRetry(ctx, claimedIds, error as Error);
      const results = claimedIds.map((eventId) => ({ eventId, outcome: { state: "skipped" } as const }));
      return { results, claimed: Math.max(claimed, claimedIds.length), afterCommit: async () => {} };
    }
    return {
      results,
      claimed: Math.max(claimed, claimedIds.length),
      afterCommit: () => afterCommit(effects),
    };
  }
}

// History chunks per transaction (up to ~5,000 messages each): small transactions keep the hot rows' locks
// short and Postgres responsive to the live acks meanwhile (BENCHMARKS.md T6).
const HISTORY_BATCH = 4;

// Which kind a lane tries first when it claims: alternating, so neither kind waits for the other's backlog.
let historyFirst = false;

/**
 * Claims webhooks by id, or the oldest pending ones of ONE kind: history chunks or the rest, never both. A
 * history chunk is a barrier in applyOrder; mixed into a batch, it split the live events into runs sorted
 * apart, and two batches then locked the same conversations in different orders and deadlocked.
 */
async function claim(tx: Tx, target: number[] | number): Promise<ClaimedRow[]> {
  if (Array.isArray(target))
    return tx.execute<ClaimedRow>(sql`
      select id, body, status from webhook_events where id = any(${`{${target.join(",")}}`}::bigint[])
      order by id for update skip locked`);
  const history = historyFirst;
  historyFirst = !historyFirst;
  const limit = (kind: boolean) => (kind ? Math.min(target, HISTORY_BATCH) : target);
  // The kinds are literals, not parameters: a generic plan could not prove a partial index's predicate
  // (history = true) for a parameter, and would look for history chunks by walking the whole live backlog.
  const kind = (k: boolean) => sql.raw(k ? "true" : "false");
  // One round trip: the other kind is only looked for (and locked) when the first has nothing claimable.
  return tx.execute<ClaimedRow>(sql`
    with first as materialized (
      select id, body, status from webhook_events
      where status = 'pending' and history = ${kind(history)} and (retry_at is null or retry_at <= now())
      order by id limit ${limit(history)}
      for update skip locked
    ), other as materialized (
      select id, body, status from webhook_events
      where not exists (select 1 from first)
        and status = 'pending' and history = ${kind(!history)} and (retry_at is null or retry_at <= now())
      order by id limit ${limit(!history)}
      for update skip locked
    )
    select id, body, status from first
    union all
    select id, body, status from other
    order by id`);
}

function parseRow(row: ClaimedRow): Parsed {
  const id = Number(row.id);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(row.body));
  } catch (error) {
    const failures = [{ path: "$", reason: `body is not valid JSON: ${(error as Error).message}` }];
    return { id, events: [], failures, parsed: false };
  }
  return { id, ...normalizeWebhook(body), parsed: true };
}

/**
 * Serializes a message's creation with concurrent batches that wait for that message (its statuses, edits,
 * reactions): the creator and its receipts take the wamid's lock exclusive, edits and reactions shared.
 * Without them a status and its message applied at the same time by two workers could each miss the
 * other's uncommitted row, and the early status would never be applied.
 * Locks are only tried: a webhook with a lock held elsewhere is returned as deferred, left pending for a
 * later batch, instead of making the whole batch wait for the other one's commit (receipts trailing their
 * echo by a few ms made lanes queue behind each other, BENCHMARKS.md T3). When nothing could be locked, the
 * caller retries with `waitForOldest`: the oldest webhook's locks are then waited for, in one sorted order,
 * before any other is tried, so they never deadlock and every batch makes progress.
 */
async function lockWamids(tx: Tx, webhooks: Parsed[], waitForOldest: boolean): Promise<Set<number>> {
  const deferred = new Set<number>();
  const keysOf = (webhook: Parsed) => {
    const keys = new Map<bigint, boolean>();
    for (const event of webhook.events) {
      const lock = lockedWamid(event);
      if (!lock) continue;
      const key = lockHash(`ingest:wamid:${lock.wamid}`);
      keys.set(key, lock.exclusive || (keys.get(key) ?? false));
    }
    return keys;
  };
  const [oldest, ...others] = webhooks;
  if (!oldest) return deferred;
  const held = waitForOldest ? keysOf(oldest) : new Map<bigint, boolean>();
  if (held.size > 0) {
    const sorted = sortedKeys(held);
    await tx.execute(sql`
      select count(case when e then pg_advisory_xact_lock(k) else pg_advisory_xact_lock_shared(k) end)
      from unnest(${`{${sorted.map(([k]) => k).join(",")}}`}::bigint[],
                  ${`{${sorted.map(([, e]) => e).join(",")}}`}::boolean[]) as t(k, e)`);
  }
  const wanted = new Map<bigint, boolean>();
  const keysByWebhook = (waitForOldest ? others : webhooks).map((webhook) => ({
    webhook,
    keys: keysOf(webhook),
  }));
  for (const { keys } of keysByWebhook)
    for (const [key, exclusive] of keys) {
      // Already held in a mode at least this strong (advisory locks are re-entrant in a session).
      if (held.has(key) && (held.get(key) || !exclusive)) continue;
      wanted.set(key, exclusive || (wanted.get(key) ?? false));
    }
  if (wanted.size === 0) return deferred;
  const sorted = sortedKeys(wanted);
  const tried = await tx.execute<{ k: string; ok: boolean }>(sql`
    select k::text, case when e then pg_try_advisory_xact_lock(k) else pg_try_advisory_xact_lock_shared(k) end as ok
    from unnest(${`{${sorted.map(([k]) => k).join(",")}}`}::bigint[],
                ${`{${sorted.map(([, e]) => e).join(",")}}`}::boolean[]) as t(k, e)`);
  const busy = new Set(tried.filter((row) => !row.ok).map((row) => BigInt(row.k)));
  if (busy.size === 0) return deferred;
  for (const { webhook, keys } of keysByWebhook)
    if ([...keys.keys()].some((key) => busy.has(key))) deferred.add(webhook.id);
  return deferred;
}

function sortedKeys(keys: Map<bigint, boolean>): [bigint, boolean][] {
  return [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The message an event creates (exclusive) or waits for (shared), if any. */
function lockedWamid(event: DomainEvent): { wamid: string; exclusive: boolean } | null {
  switch (event.kind) {
    case "message.received":
    case "echo.received":
      return { wamid: event.wamid, exclusive: true };
    // Exclusive too: two batches raising one message would queue on its message_statuses and messages rows.
    case "status.updated":
      return { wamid: event.wamid, exclusive: true };
    case "message.edited":
    case "message.revoked":
      return { wamid: event.originalWamid, exclusive: false };
    case "reaction.received":
      return { wamid: event.targetWamid, exclusive: false };
    default:
      return null;
  }
}

/** The customer a plain per-conversation event belongs to; null for the rest (identity, history, account…). */
function customerKey(event: DomainEvent): string | null {
  const key = (c: CustomerIdentity) =>
    `${"phoneNumberId" in event ? event.phoneNumberId : ""}:${c.phone ?? c.bsuid ?? ""}`;
  switch (event.kind) {
    case "message.received":
    case "echo.received":
    case "message.edited":
    case "message.revoked":
    case "reaction.received":
      return "origin" in event && event.origin === "history" ? null : key(event.customer);
    case "status.updated":
      return key(event.recipient);
    default:
      return null;
  }
}

/**
 * The batch's events in the order they are applied: each run of plain per-conversation events between
 * two other events is sorted by customer (stably, so one customer's events keep their order), so that
 * concurrent batches lock conversation and contact rows in the same order instead of deadlocking. Other
 * events (identity changes, history, account updates) stay where they were, as barriers.
 */
function applyOrder(webhooks: Parsed[]): { webhook: Parsed; index: number; event: DomainEvent }[] {
  const ordered: { webhook: Parsed; index: number; event: DomainEvent }[] = [];
  let run: { webhook: Parsed; index: number; event: DomainEvent; key: string }[] = [];
  const flush = () => {
    run.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    ordered.push(...run);
    run = [];
  };
  for (const webhook of webhooks)
    for (const [index, event] of webhook.events.entries()) {
      const key = customerKey(event);
      if (key === null) {
        flush();
        ordered.push({ webhook, index, event });
      } else run.push({ webhook, index, event, key });
    }
  flush();
  return ordered;
}

function lockHash(key: string): bigint {
  return createHash("sha1").update(key).digest().readBigInt64BE(0);
}

/**
 * Applies the batch's events (in applyOrder) and tallies each webhook's outcome. In careful mode each event
 * runs in its own savepoint, so one bad item fails alone with its reason and its siblings apply. Otherwise
 * the batch's receipts are applied together first (applyStatuses, a few statements for all of them), and
 * the conversations they raised are bumped where each receipt stands in applyOrder, so conversation rows
 * are still locked in the same order as by every other batch.
 */
async function applyEvents(
  tx: Tx,
  webhooks: Parsed[],
  effects: Effects,
  careful: boolean,
): Promise<Result[]> {
  const tally = new Map(webhooks.map((w) => [w.id, { applied: 0, failures: [...w.failures] }]));
  const ordered = applyOrder(webhooks.filter((w) => w.parsed));
  const statuses = careful ? null : await applyStatusesAtOnce(tx, ordered, effects);
  // Conversations raised by receipts, bumped in one statement per stretch of receipts in applyOrder.
  let touches: string[] = [];
  const touched = new Set<string>();
  // All the batch's receipts are applied already: a conversation's one event names every message raised in it.
  const raisedIn = messagesByConversation(statuses?.raised, ordered);
  const flushTouches = async () => {
    if (touches.length === 0) return;
    const ids = touches;
    touches = [];
    for (const touch of await touchConversationsInOrder(tx, ids))
      effects.publications.push({
        type: "conversation",
        touch,
        messageIds: raisedIn.get(touch.conversationId),
        reason: "status",
      });
  };
  await readContactsAhead(tx, ordered, effects);
  for (const { webhook, index, event } of ordered) {
    const counts = tally.get(webhook.id)!;
    // The read-ahead contacts stay current only while nothing but messages and receipts applies.
    if (customerKey(event) === null) effects.contacts.clear();
    if (statuses && event.kind === "status.updated") {
      const unknown = statuses.unknown.get(event);
      if (unknown) {
        counts.failures.push({ path: `events[${index}] ${event.kind}`, reason: unknown });
        continue;
      }
      const conversationId = statuses.raised.get(event.wamid)?.conversationId;
      if (conversationId && !touched.has(conversationId)) {
        touched.add(conversationId);
        touches.push(conversationId);
      }
      if (event.status === "failed") {
        // It may write consent and timeline rows: conversations locked before it come first.
        await flushTouches();
        try {
          await applyStatusConsent(tx, event);
        } catch (error) {
          if (isTransientDatabaseError(error)) throw error;
          throw new NeedsSavepoints((error as Error).message, { cause: error });
        }
      }
      counts.applied += 1;
      continue;
    }
    await flushTouches();
    // The event's own effects count only if it applies (its savepoint may roll back).
    const own: EventEffects = {
      jobs: [],
      integrationEvents: [],
      appActivity: [],
      contactSync: [],
      history: [],
    };
    try {
      const published = careful
        ? await tx.transaction(async (savepoint) => {
            const out = await applyEvent(savepoint, event, own, effects);
            // In its own savepoint here, so an event whose integration event cannot be queued fails alone.
            await emitIntegrationEvents(savepoint, own.integrationEvents.splice(0));
            return out;
          })
        : await applyEvent(tx, event, own, effects);
      effects.publications.push(...published);
      effects.jobs.push(...own.jobs);
      effects.integrationEvents.push(...own.integrationEvents);
      keepLatest(effects.appActivity, own.appActivity);
      keepLatest(effects.contactSync, own.contactSync);
      for (const { numberId, event, added } of own.history)
        effects.historyProgress.set(
          numberId,
          addHistoryChunk(effects.historyProgress.get(numberId), event, added),
        );
      counts.applied += 1;
    } catch (error) {
      if (isTransientDatabaseError(error)) throw error;
      if (!careful) throw new NeedsSavepoints((error as Error).message, { cause: error });
      // Its savepoint rolled back whatever it wrote to a contact.
      effects.contacts.clear();
      counts.failures.push({ path: `events[${index}] ${event.kind}`, reason: (error as Error).message });
    }
  }
  await flushTouches();
  return webhooks.map((webhook) => {
    const { applied, failures } = tally.get(webhook.id)!;
    const state = failures.length > 0 && applied === 0 ? "failed" : "processed";
    return { eventId: webhook.id, outcome: { state, applied, failures } };
  });
}

/** The fast pass's integration events, in one statement; if it fails, the careful pass queues each alone. */
async function emitBatchIntegrationEvents(tx: Tx, effects: Effects) {
  try {
    await emitIntegrationEvents(tx, effects.integrationEvents);
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error;
    throw new NeedsSavepoints((error as Error).message, { cause: error });
  }
}

/** Reads the contacts of the batch's live and history messages by BSUID in one query (ContactLookahead). */
async function readContactsAhead(tx: Tx, ordered: { event: DomainEvent }[], effects: Effects) {
  const wanted: { wabaId: string; bsuid: string }[] = [];
  for (const { event } of ordered) {
    if ((event.kind !== "message.received" && event.kind !== "echo.received") || !event.customer.bsuid)
      continue;
    try {
      const number = await routedNumberOf(tx, effects, event.phoneNumberId);
      wanted.push({ wabaId: number.wabaId, bsuid: event.customer.bsuid });
    } catch (error) {
      // Flagged when the event itself applies.
      if (!(error instanceof UnknownNumber)) throw error;
    }
  }
  await effects.contacts.prefetch(tx, wanted);
}

/**
 * The set-based part of the fast pass: every receipt of the batch on a known number, applied at once.
 * Receipts are keyed by wamid only, so applying them ahead of the batch's messages changes nothing: one
 * whose message comes later in the batch waits in message_statuses and is applied when it is recorded.
 * A statement error sends the batch to the careful pass, where each receipt runs alone (applyStatus).
 */
async function applyStatusesAtOnce(
  tx: Tx,
  ordered: { event: DomainEvent }[],
  effects: Effects,
): Promise<{ raised: Map<string, RaisedMessage>; unknown: Map<DomainEvent, string> }> {
  const known: StatusUpdated[] = [];
  const unknown = new Map<DomainEvent, string>();
  try {
    for (const { event } of ordered) {
      if (event.kind !== "status.updated") continue;
      try {
        await routedNumberOf(tx, effects, event.phoneNumberId);
        known.push(event);
      } catch (error) {
        if (!(error instanceof UnknownNumber)) throw error;
        unknown.set(event, error.message);
      }
    }
    return { raised: await applyStatuses(tx, known), unknown };
  } catch (error) {
    if (isTransientDatabaseError(error)) throw error;
    throw new NeedsSavepoints((error as Error).message, { cause: error });
  }
}

async function afterCommit(effects: Effects) {
  // One NOTIFY statement for the whole batch, not an autocommit NOTIFY per change (BENCHMARKS.md T3).
  await publishMany(effects.publications.map(envelopeOf));
  for (const job of effects.jobs)
    if (job.type === "media.download") await scheduleMediaDownload(job.mediaId);
    else await scheduleBotRun(job.conversationId);
  // A customer message in an unassigned conversation queues it for its team: the router acts now.
  const queued = new Set(
    effects.publications.flatMap((p) =>
      p.type === "conversation" && p.reason === "message" && !p.touch.assigneeId ? [p.touch.teamId] : [],
    ),
  );
  if (queued.size > 0) await routeTeams([...queued]);
}

/** Backs off transiently failing webhooks (1 s, 2 s, 4 s … capped at 5 min), failing each after MAX_ATTEMPTS. */
async function scheduleRetry(ctx: Ctx, eventIds: number[], error: Error) {
  await dbOf(ctx).execute(sql`
    update webhook_events set
      attempts = attempts + 1,
      retry_at = now() + make_interval(secs => least(300, power(2, attempts))),
      status = case when attempts + 1 >= ${MAX_ATTEMPTS} then 'failed'::webhook_event_status else status end,
      error = ${`transient failure (attempt recorded): ${error.message}`.slice(0, 4000)}
    where id = any(${`{${eventIds.join(",")}}`}::bigint[]) and status = 'pending'`);
}

function keepLatest(latestByNumber: Map<string, Date>, seen: [numberId: string, at: Date][]) {
  for (const [numberId, at] of seen) {
    const latest = latestByNumber.get(numberId);
    if (!latest || latest < at) latestByNumber.set(numberId, at);
  }
}

async function applyEvent(
  tx: Tx,
  event: DomainEvent,
  own: EventEffects,
  effects: Effects,
): Promise<Publication[]> {
  const jobs = own.jobs;
  const routedNumber = (phoneNumberId: string) => routedNumberOf(tx, effects, phoneNumberId);
  switch (event.kind) {
    case "message.received":
    case "echo.received": {
      const number = await routedNumber(event.phoneNumberId);
      const contact = await resolveContact(tx, number.wabaId, event.customer, effects.contacts);
      const isEcho = event.kind === "echo.received";
      // A tap on a CSAT survey button scores the cycle and leaves a resolved conversation resolved.
      const csat = !isEcho && event.origin === "live" ? csatReplyOf(event.type, event.content) : null;
      const recorded = await recordMessage(tx, {
        keepResolved: csat ? await csatAnswerKeepsResolved(tx, csat, contact.id) : false,
        numberId: number.id,
        defaultTeamId: number.defaultTeamId,
        contactId: contact.id,
        message: {
          wamid: event.wamid,
          direction: isEcho ? "outbound" : "inbound",
          // The late media copy of a history message stays history: it must not open the window.
          source: event.origin === "history" ? "history" : isEcho ? "business_app" : "customer",
          type: event.type,
          text: event.text,
          content: event.content,
          replyToWamid: event.replyToWamid,
          timestamp: event.timestamp,
          errors: event.errors,
        },
      });
      if (isEcho && event.origin === "live") own.appActivity.push([number.id, event.timestamp]);
      if (!recorded.messageId) return [];
      if (csat)
        await recordCsatAnswer(tx, {
          ...csat,
          conversationId: recorded.conversationId,
          messageId: recorded.messageId,
          at: event.timestamp,
        });
      // The owner answered from the phone: a human is talking, the bot stops here at once (DESIGN.md).
      if (isEcho && event.origin === "live")
        await pauseBotForHuman(tx, {
          conversationId: recorded.conversationId,
          reason: "owner_replied",
          actor: { type: "system", name: "owner" },
          at: event.timestamp,
        });
      if (event.origin === "live")
        // Queued with the batch's others before commit (emitIntegrationEvents): only if this event applies.
        own.integrationEvents.push(
          integrationEvent(isEcho ? "message.echo" : "message.received", {
            message_id: recorded.messageId,
            conversation_id: recorded.conversationId,
            contact_id: contact.id,
            wamid: event.wamid,
            type: event.type,
            text: event.text,
            timestamp: event.timestamp.toISOString(),
          }),
        );
      // Only live customer messages reach a bot: never echoes, history or system rows.
      if (!isEcho && event.origin === "live" && recorded.status === "bot")
        jobs.push({ type: "bot.run", conversationId: recorded.conversationId });
      await applyConsentKeyword(tx, {
        event,
        contactId: contact.id,
        conversationId: recorded.conversationId,
      });
      // New media, or a history placeholder's late media: a pending row now, its download after commit.
      const mediaId = await recordMessageMedia(tx, {
        messageId: recorded.messageId,
        type: event.type,
        content: event.content,
        origin: event.origin,
        timestamp: event.timestamp,
      });
      if (mediaId) jobs.push({ type: "media.download", mediaId });
      return [{ type: "conversation", touch: recorded, messageId: recorded.messageId, reason: "message" }];
    }
    case "status.updated": {
      await routedNumber(event.phoneNumberId);
      const touch = await applyStatus(tx, event);
      await applyStatusConsent(tx, event);
      // A failure may add a timeline row (a marketing stop): name no rows, so clients reload the thread.
      const messageIds = event.status === "failed" ? undefined : touch?.messageIds;
      return touch ? [{ type: "conversation", touch, messageIds, reason: "status" }] : [];
    }
    case "message.edited":
    case "message.revoked": {
      await routedNumber(event.phoneNumberId);
      const touch = await applyMessageChange(tx, event);
      return touch ? [{ type: "conversation", touch, messageIds: touch.messageIds, reason: "change" }] : [];
    }
    case "reaction.received": {
      await routedNumber(event.phoneNumberId);
      const touch = await applyReaction(tx, event);
      return touch ? [{ type: "conversation", touch, messageIds: touch.messageIds, reason: "reaction" }] : [];
    }
    case "contact.synced": {
      const number = await routedNumber(event.phoneNumberId);
      const contactId = await syncAddressBookEntry(tx, number.wabaId, event);
      own.contactSync.push([number.id, event.timestamp]);
      return contactId ? await touchContactConversations(tx, contactId, "identity") : [];
    }
    case "preference.changed": {
      const number = await routedNumber(event.phoneNumberId);
      const contactId = await setMarketingPreference(tx, number.wabaId, event);
      await applyMetaPreference(tx, { contactId, event });
      return [];
    }
    case "identity.changed": {
      const number = await routedNumber(event.phoneNumberId);
      const outcome = await changeIdentity(tx, number.wabaId, event);
      const publications: Publication[] = [];
      for (const conversationId of outcome.conversationIds) {
        const touch = await addTimelineEvent(tx, {
          conversationId,
          type: "identity_changed",
          actorType: "customer",
          data: {
            reason: event.reason,
            previous: event.previous,
            current: event.current,
            merged: outcome.mergedContactId,
          },
          at: event.timestamp,
          dedupeKey: `${event.key}:${conversationId}`,
        });
        if (touch) publications.push({ type: "conversation", touch, reason: "identity" });
      }
      return publications;
    }
    case "history.chunk": {
      const number = await routedNumber(event.phoneNumberId);
      // The whole chunk at once, a few statements whatever its size (BENCHMARKS.md T6).
      const contacts = await resolveContacts(
        tx,
        number.wabaId,
        event.threads.map((thread) => thread.customer),
      );
      const imported = await importHistoryChunk(tx, {
        numberId: number.id,
        defaultTeamId: number.defaultTeamId,
        threads: event.threads.map((thread, i) => ({
          contactId: contacts[i]!.id,
          messages: thread.messages,
        })),
      });
      const added: HistoryAdded = { threads: imported.length, messages: 0, duplicates: 0 };
      for (const thread of imported) {
        added.messages += thread.inserted;
        added.duplicates += thread.duplicates;
      }
      // Written once per number at the end of the batch (recordHistoryProgress), if this chunk applies.
      own.history.push({ numberId: number.id, event, added });
      // History never notifies per conversation (PROTOCOL.md §5.4); admins see the progress.
      return [{ type: "number", numberId: number.id, reason: "history" }];
    }
    case "history.declined": {
      const number = await routedNumber(event.phoneNumberId);
      await recordHistoryDeclined(tx, number.id, event);
      return [{ type: "number", numberId: number.id, reason: "history" }];
    }
    case "account.updated": {
      const numberIds = await applyAccountUpdate(tx, event);
      return numberIds.map((numberId) => ({ type: "number", numberId, reason: "coexistence" }) as const);
    }
    case "template.updated":
      await applyTemplateUpdate(tx, event);
      return [];
    case "unhandled":
      return [];
  }
}

/** Webhooks route on metadata.phone_number_id (PROTOCOL.md §1.4); an unknown number is flagged, not applied. */
async function routedNumberOf(tx: Tx, effects: Effects, phoneNumberId: string) {
  let found = effects.numbers.get(phoneNumberId);
  if (!found && phoneNumberId) {
    found = findNumberByMetaId(tx, phoneNumberId);
    effects.numbers.set(phoneNumberId, found);
  }
  const number = await found;
  if (!number) throw new UnknownNumber(`unknown phone_number_id ${phoneNumberId || "(none)"}`);
  return number;
}

class UnknownNumber extends Error {}

async function touchContactConversations(
  tx: Tx,
  contactId: string,
  reason: "identity",
): Promise<Publication[]> {
  const rows = await tx.execute<{ id: string }>(
    sql`select id from conversations where contact_id = ${contactId}`,
  );
  const publications: Publication[] = [];
  for (const row of rows) {
    const touch = await touchConversation(tx, row.id);
    if (touch) publications.push({ type: "conversation", touch, reason });
  }
  return publications;
}

function envelopeOf(publication: Publication): RealtimeEnvelope {
  if (publication.type === "number")
    return numberEnvelope({ number_id: publication.numberId, reason: publication.reason });
  return conversationEnvelope({
    conversationId: publication.touch.conversationId,
    teamId: publication.touch.teamId,
    assigneeId: publication.touch.assigneeId,
    seq: publication.touch.seq,
    messageId: publication.messageId,
    messageIds: publication.messageIds,
    reason: publication.reason,
  });
}

/**
 * conversation → the ids of its messages that a batch's receipts raised. None for a conversation with a
 * failure among them: it may add a timeline row (a marketing stop), so clients reload the thread.
 */
function messagesByConversation(
  raised: Map<string, RaisedMessage> | undefined,
  ordered: { event: DomainEvent }[],
): Map<string, string[]> {
  if (!raised) return new Map();
  const out = groupBy(
    raised.values(),
    (m) => m.conversationId,
    (m) => m.messageId,
  );
  for (const { event } of ordered)
    if (event.kind === "status.updated" && event.status === "failed") {
      const conversationId = raised.get(event.wamid)?.conversationId;
      if (conversationId) out.delete(conversationId);
    }
  return out;
}

// SQLSTATE classes that a retry can cure: connection (08), serialization/deadlock (40), resources (53),
// operator intervention such as a restart (57).
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

function isConflict(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === "40P01" || code === "40001") return true;
  }
  return false;
}

export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_SQLSTATE.test(code)) return true;
    if (
      typeof code === "string" &&
      ["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED"].includes(code)
    )
      return true;
  }
  return false;
}

/** Records every webhook's outcome in one statement. */
async function finish(tx: Tx, results: Result[]) {
  if (results.length === 0) return;
  const rows = results.map(({ eventId, outcome }) => {
    const failures = outcome.state === "skipped" ? [] : outcome.failures;
    const error =
      failures.length > 0
        ? failures
            .map((f) => `${f.path}: ${f.reason}`)
            .join("\n")
            .slice(0, 4000)
        : null;
    return { id: eventId, status: outcome.state === "failed" ? "failed" : "processed", error };
  });
  // clock_timestamp, not now(): processed_at is when this batch finished, not when its transaction began.
  await tx.execute(sql`
    update webhook_events w
    set status = v.status::webhook_event_status, error = v.error, attempts = w.attempts + 1,
        processed_at = clock_timestamp()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id bigint, status text, error text)
    where w.id = v.id`);
}
