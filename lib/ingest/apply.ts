import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { applyConsentKeyword, applyMetaPreference, applyStatusConsent } from "@/lib/consent";
import { changeIdentity, resolveContact, setMarketingPreference, syncAddressBookEntry } from "@/lib/contacts";
import {
  addTimelineEvent,
  applyMessageChange,
  applyReaction,
  applyStatus,
  importHistoryThread,
  recordMessage,
  touchConversation,
  type ConversationTouch,
} from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { recordMessageMedia, scheduleMediaDownload } from "@/lib/media";
import {
  applyAccountUpdate,
  findNumberByMetaId,
  recordAppActivity,
  recordHistoryDeclined,
  recordHistoryProgress,
} from "@/lib/numbers";
import type { ConversationChanged, NumberChanged } from "@/lib/realtime/events";
import { publishConversationChanged, publishNumberChanged } from "@/lib/realtime/publish";
import { emitIntegrationEvent } from "@/lib/integrations";
import { routeTeams } from "@/lib/routing";
import { pauseBotForHuman, scheduleBotRun } from "@/lib/bots";
import { applyTemplateUpdate } from "@/lib/templates";
import type { DomainEvent, NormalizeFailure } from "@/lib/whatsapp/events";
import { normalizeWebhook } from "@/lib/whatsapp/normalize";

type Publication =
  | {
      type: "conversation";
      touch: ConversationTouch;
      messageId?: string;
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
  return applyClaimed(ctx, (tx) =>
    tx.execute<ClaimedRow>(
      sql`select id, body, status from webhook_events where id = ${input.eventId} for update skip locked`,
    ),
  );
}

/**
 * The workers' loop body: claims the oldest pending webhook no other worker holds (SKIP LOCKED) and applies
 * it in the same transaction. Returns null when there is nothing to do.
 */
export async function applyNextWebhookEvent({
  ctx,
}: {
  ctx: Ctx;
}): Promise<(ApplyOutcome & { eventId: number }) | null> {
  assertCan(ctx.actor, "ingest:apply");
  let claimed: number | null = null;
  const outcome = await applyClaimed(ctx, async (tx) => {
    const rows = await tx.execute<ClaimedRow>(sql`
      select id, body, status from webhook_events
      where status = 'pending' and (retry_at is null or retry_at <= now())
      order by id limit 1
      for update skip locked`);
    claimed = rows[0] ? Number(rows[0].id) : null;
    return rows;
  });
  return claimed === null ? null : { ...outcome, eventId: claimed };
}

type ClaimedRow = { id: string; body: Buffer; status: string };

// A webhook whose apply keeps failing for transient reasons is given up after this many tries.
const MAX_ATTEMPTS = 10;

/**
 * Parse, normalize, apply each domain event (in its own savepoint when there are several, so one bad item
 * fails alone), record the outcome on the row, then publish after commit.
 */
async function applyClaimed(ctx: Ctx, claim: (tx: Tx) => Promise<ClaimedRow[]>): Promise<ApplyOutcome> {
  const publications: Publication[] = [];
  const jobs: AfterCommitJob[] = [];
  let eventId: number | null = null;
  const outcome = await withTransaction(ctx, async (tx): Promise<ApplyOutcome> => {
    const [row] = await claim(tx);
    if (!row || row.status !== "pending") return { state: "skipped" } as const;
    eventId = Number(row.id);
    const id = eventId;

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(row.body));
    } catch (error) {
      const failures = [{ path: "$", reason: `body is not valid JSON: ${(error as Error).message}` }];
      await finish(tx, id, "failed", failures);
      return { state: "failed", applied: 0, failures } as const;
    }

    const { events, failures } = normalizeWebhook(body);
    const only = events[0];
    if (events.length === 1 && failures.length === 0 && only && !ctx.db) {
      // Most webhooks carry one event: no savepoint needed. If it fails for good, the transaction is
      // rolled back and the failure recorded in a second one (below).
      try {
        const eventJobs: AfterCommitJob[] = [];
        publications.push(...(await applyEvent(tx, only, eventJobs)));
        jobs.push(...eventJobs);
      } catch (error) {
        if (isTransientDatabaseError(error)) throw error;
        throw new EventFailed([{ path: `events[0] ${only.kind}`, reason: (error as Error).message }]);
      }
      await finish(tx, id, "processed", []);
      return { state: "processed", applied: 1, failures: [] } as const;
    }
    let applied = 0;
    for (const [index, event] of events.entries()) {
      try {
        const eventJobs: AfterCommitJob[] = [];
        const published = await tx.transaction((savepoint) => applyEvent(savepoint, event, eventJobs));
        publications.push(...published);
        jobs.push(...eventJobs);
        applied += 1;
      } catch (error) {
        // A deadlock or lost connection is not the event's fault: the whole webhook is tried again.
        if (isTransientDatabaseError(error)) throw error;
        failures.push({ path: `events[${index}] ${event.kind}`, reason: (error as Error).message });
      }
    }
    const state = failures.length > 0 && applied === 0 ? "failed" : "processed";
    await finish(tx, id, state, failures);
    return { state, applied, failures } as const;
  }).catch(async (error: unknown) => {
    publications.length = 0;
    jobs.length = 0;
    if (eventId === null) throw error;
    const id = eventId;
    if (error instanceof EventFailed) {
      await withTransaction(ctx, (tx) => finish(tx, id, "failed", error.failures, { onlyIfPending: true }));
      return { state: "failed", applied: 0, failures: error.failures } as const;
    }
    if (!isTransientDatabaseError(error)) throw error;
    await scheduleRetry(ctx, id, error as Error);
    return { state: "skipped" } as const;
  });
  for (const publication of publications) await publish(publication);
  for (const job of jobs)
    if (job.type === "media.download") await scheduleMediaDownload(job.mediaId);
    else await scheduleBotRun(job.conversationId);
  // A customer message in an unassigned conversation queues it for its team: the router acts now.
  const queued = publications.flatMap((p) =>
    p.type === "conversation" && p.reason === "message" && !p.touch.assigneeId ? [p.touch.teamId] : [],
  );
  if (queued.length > 0) await routeTeams(queued);
  return outcome;
}

/** Backs off a transiently failing webhook (1 s, 2 s, 4 s … capped at 5 min), failing it after MAX_ATTEMPTS. */
async function scheduleRetry(ctx: Ctx, eventId: number, error: Error) {
  await dbOf(ctx).execute(sql`
    update webhook_events set
      attempts = attempts + 1,
      retry_at = now() + make_interval(secs => least(300, power(2, attempts))),
      status = case when attempts + 1 >= ${MAX_ATTEMPTS} then 'failed'::webhook_event_status else status end,
      error = ${`transient failure (attempt recorded): ${error.message}`.slice(0, 4000)}
    where id = ${eventId} and status = 'pending'`);
}

async function applyEvent(tx: Tx, event: DomainEvent, jobs: AfterCommitJob[]): Promise<Publication[]> {
  switch (event.kind) {
    case "message.received":
    case "echo.received": {
      const number = await routedNumber(tx, event.phoneNumberId);
      const contact = await resolveContact(tx, number.wabaId, event.customer);
      const isEcho = event.kind === "echo.received";
      const recorded = await recordMessage(tx, {
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
      if (isEcho && event.origin === "live") await recordAppActivity(tx, number.id, event.timestamp);
      if (!recorded.messageId) return [];
      // The owner answered from the phone: a human is talking, the bot stops here at once (DESIGN.md).
      if (isEcho && event.origin === "live")
        await pauseBotForHuman(tx, {
          conversationId: recorded.conversationId,
          reason: "owner_replied",
          actor: { type: "system", name: "owner" },
          at: event.timestamp,
        });
      if (event.origin === "live")
        await emitIntegrationEvent(tx, isEcho ? "message.echo" : "message.received", {
          message_id: recorded.messageId,
          conversation_id: recorded.conversationId,
          contact_id: contact.id,
          wamid: event.wamid,
          type: event.type,
          text: event.text,
          timestamp: event.timestamp.toISOString(),
        });
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
      await routedNumber(tx, event.phoneNumberId);
      const touch = await applyStatus(tx, event);
      await applyStatusConsent(tx, event);
      return touch ? [{ type: "conversation", touch, reason: "status" }] : [];
    }
    case "message.edited":
    case "message.revoked": {
      await routedNumber(tx, event.phoneNumberId);
      const touch = await applyMessageChange(tx, event);
      return touch ? [{ type: "conversation", touch, reason: "change" }] : [];
    }
    case "reaction.received": {
      await routedNumber(tx, event.phoneNumberId);
      const touch = await applyReaction(tx, event);
      return touch ? [{ type: "conversation", touch, reason: "reaction" }] : [];
    }
    case "contact.synced": {
      const number = await routedNumber(tx, event.phoneNumberId);
      const contactId = await syncAddressBookEntry(tx, number.wabaId, event);
      return contactId ? await touchContactConversations(tx, contactId, "identity") : [];
    }
    case "preference.changed": {
      const number = await routedNumber(tx, event.phoneNumberId);
      const contactId = await setMarketingPreference(tx, number.wabaId, event);
      await applyMetaPreference(tx, { contactId, event });
      return [];
    }
    case "identity.changed": {
      const number = await routedNumber(tx, event.phoneNumberId);
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
      const number = await routedNumber(tx, event.phoneNumberId);
      const added = { threads: 0, messages: 0, duplicates: 0 };
      for (const thread of event.threads) {
        const contact = await resolveContact(tx, number.wabaId, thread.customer);
        const imported = await importHistoryThread(tx, {
          numberId: number.id,
          defaultTeamId: number.defaultTeamId,
          contactId: contact.id,
          messages: thread.messages,
        });
        added.threads += 1;
        added.messages += imported.inserted;
        added.duplicates += imported.duplicates;
      }
      await recordHistoryProgress(tx, number.id, event, added);
      // History never notifies per conversation (PROTOCOL.md §5.4); admins see the progress.
      return [{ type: "number", numberId: number.id, reason: "history" }];
    }
    case "history.declined": {
      const number = await routedNumber(tx, event.phoneNumberId);
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
async function routedNumber(tx: Tx, phoneNumberId: string) {
  const number = phoneNumberId ? await findNumberByMetaId(tx, phoneNumberId) : undefined;
  if (!number) throw new Error(`unknown phone_number_id ${phoneNumberId || "(none)"}`);
  return number;
}

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

async function publish(publication: Publication) {
  if (publication.type === "number") {
    await publishNumberChanged({ number_id: publication.numberId, reason: publication.reason });
    return;
  }
  await publishConversationChanged({
    ...publication.touch,
    messageId: publication.messageId,
    reason: publication.reason,
  });
}

/** The single event of a webhook failed for good: carries the reason out of the rolled-back transaction. */
class EventFailed extends Error {
  constructor(readonly failures: NormalizeFailure[]) {
    super(failures[0]?.reason ?? "event failed");
  }
}

// SQLSTATE classes that a retry can cure: connection (08), serialization/deadlock (40), resources (53),
// operator intervention such as a restart (57).
const TRANSIENT_SQLSTATE = /^(08|40|53|57)/;

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

async function finish(
  tx: Tx,
  eventId: number,
  state: "processed" | "failed",
  failures: NormalizeFailure[],
  options: { onlyIfPending?: boolean } = {},
) {
  const error =
    failures.length > 0
      ? failures
          .map((f) => `${f.path}: ${f.reason}`)
          .join("\n")
          .slice(0, 4000)
      : null;
  await tx.execute(sql`
    update webhook_events
    set status = ${state}, error = ${error}, attempts = attempts + 1, processed_at = now()
    where id = ${eventId} and (${!options.onlyIfPending} or status = 'pending')`);
}
