import { sql } from "drizzle-orm";
import { ZodError } from "zod";
import { systemActor } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/permissions";
import { selectEffectiveConsents } from "@/lib/consent";
import { ensureConversation } from "@/lib/conversations";
import type { DbOrTx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError } from "@/lib/errors";
import { sendMessageBatch, SendRefusedError, type BatchSendOutcome } from "@/lib/messaging";
import { publishCampaignChanged } from "@/lib/realtime/publish";
import { classifySegment } from "./audience";
import {
  consentCategoryOf,
  personalize,
  personalizeAll,
  skipReasonFor,
  type RecipientContact,
} from "./personalize";
import { refreshProgress } from "./refresh-progress";
import { selectCampaignOrThrow, type CampaignRow } from "./queries";
import { campaignSegment, type CampaignState, type SkipReason } from "./schemas";
import { transition } from "./transition";

export type RunOutcome = {
  state: CampaignState;
  queued: number;
  skipped: number;
  failed: number;
  pending: number;
  /** What the job should do next: run again now, shortly (throttled), keep watching progress, or stop. */
  next: "continue" | "wait" | "watch" | "done";
};

// Recipients queued per step, and at most this many of the campaign's messages waiting for Meta at once:
// the send queue paces them (per-number limiter), and pause recalls what is waiting. At 80 msg/s the cap is
// 5 s of sending, so the queue does not run dry between the runner's steps (a "wait" comes back in 1-1.5 s).
const BATCH_SIZE = 200;
const MAX_IN_FLIGHT = 400;
// A step's recipients go out as chunks of this many, each its own sendMessageBatch transaction, side by
// side: a chunk is mostly round trips (one publish per message after commit). Steps of 50 in series took
// 0.2-0.7 s each on a loaded box, so the runner, not the limiter, set the pace (10,000 at 70 msg/s).
const CHUNK_SIZE = 50;
// A runner holds its campaign this long per step; a crashed runner's campaign is free again after it.
const LEASE_SECONDS = 60;
// After the last message is queued, statuses and replies keep moving the counts: watch closely this long.
const WATCH_MS = 10 * 60_000;
// While a campaign runs, its steps come about every second; its stored counts (and their realtime nudge) are
// brought up to date at most this often per process: each refresh reads every recipient, so per step it grew
// with the campaign (10,000 recipients: ~0.1 s of Postgres per step on a loaded box).
const RUNNING_REFRESH_MS = 2_000;
const refreshedAt = new Map<string, number>();

const campaignActor = systemActor("campaign");

/**
 * One step of a campaign (the campaign.run job): a due scheduled campaign starts; the segment becomes
 * recipient rows on the first step; then one batch of pending recipients is queued through sendMessageBatch
 * with the key campaign:<campaign>:<contact>, so a rerun or a second runner never sends twice.
 */
export async function runCampaign({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { campaignId: string; batchSize?: number; maxInFlight?: number; chunkSize?: number };
}): Promise<RunOutcome> {
  assertCan(ctx.actor, "campaigns:manage");
  const db = dbOf(ctx);
  const batchSize = input.batchSize ?? BATCH_SIZE;
  const maxInFlight = input.maxInFlight ?? MAX_IN_FLIGHT;
  const chunkSize = input.chunkSize ?? CHUNK_SIZE;
  const counters = { queued: 0, skipped: 0, failed: 0 };
  let next: RunOutcome["next"] | undefined;

  const started = await withTransaction(ctx, (tx) =>
    transition(tx, ctx.actor, {
      id: input.campaignId,
      from: ["scheduled"],
      to: "running",
      set: sql`started_at = coalesce(started_at, now())`,
      guard: sql`k.scheduled_at <= now()`,
      action: "campaign.started",
      data: { scheduled: true },
    }),
  );
  if (started)
    await publishCampaignChanged({ campaign_id: input.campaignId, state: "running", reason: "state" });

  let campaign = await selectCampaignOrThrow(db, input.campaignId);
  if (campaign.state === "running") {
    if (!(await takeLease(db, campaign.id))) next = "wait";
    else {
      try {
        if (!campaign.expanded_at) await expand(db, campaign);
        const inFlight = await countInFlight(db, campaign);
        const room = Math.min(batchSize, maxInFlight - inFlight);
        if (room <= 0) next = "wait";
        else {
          const batch = await selectPending(db, campaign.id, room);
          const chunks = [];
          for (let i = 0; i < batch.length; i += chunkSize) chunks.push(batch.slice(i, i + chunkSize));
          // Every chunk settles before the lease is let go, even when one fails.
          const settled = await Promise.allSettled(
            chunks.map((chunk) => queueBatch(ctx, campaign, chunk, counters)),
          );
          const failure = settled.find((r) => r.status === "rejected");
          if (failure) throw failure.reason;
          // A short batch means the list ran out (unless a pause cut it short): the campaign is done.
          if (batch.length < room && (await countPending(db, campaign.id)) === 0)
            await complete(ctx, campaign.id);
          else next = room < batchSize ? "wait" : "continue";
        }
      } finally {
        await db.execute(sql`update campaigns set lease_until = null where id = ${campaign.id}`);
      }
    }
  }

  campaign = await selectCampaignOrThrow(db, campaign.id);
  if (campaign.state !== "running") {
    refreshedAt.delete(campaign.id);
    await refreshProgress(ctx, campaign.id);
  } else if (performance.now() - (refreshedAt.get(campaign.id) ?? -Infinity) >= RUNNING_REFRESH_MS) {
    // Campaigns that ended in another process leave their entry here: keep the map bounded.
    if (refreshedAt.size > 1_000) refreshedAt.clear();
    refreshedAt.set(campaign.id, performance.now());
    await refreshProgress(ctx, campaign.id);
  }
  const pending = await countPending(db, campaign.id);
  if (campaign.state === "running") next ??= "continue";
  else if (campaign.state === "completed" || campaign.state === "cancelled") {
    const endedAt = campaign.completed_at ?? campaign.cancelled_at;
    next = endedAt && Date.now() - new Date(endedAt).getTime() < WATCH_MS ? "watch" : "done";
  } else next = "done";
  return { state: campaign.state, ...counters, pending, next };
}

type PendingRecipient = RecipientContact & {
  contact_id: string;
  conversation_id: string | null;
  bsuid: string | null;
};

async function queueBatch(
  ctx: Ctx,
  campaign: CampaignRow,
  batch: PendingRecipient[],
  counters: { queued: number; skipped: number; failed: number },
) {
  const db = dbOf(ctx);
  // Consent is checked again now: a STOP since the segment was expanded wins.
  const consents = await selectEffectiveConsents(
    db,
    batch.map((r) => r.contact_id),
    consentCategoryOf(campaign.template_category),
  );
  const ready: { recipient: PendingRecipient; message: Record<string, unknown> }[] = [];
  for (const recipient of batch) {
    const skip = skipReasonFor({
      category: campaign.template_category,
      consent: consents.get(recipient.contact_id)?.state ?? null,
      hasAddress: Boolean(recipient.phone || recipient.bsuid),
    });
    const message = skip ? null : buildMessage(campaign, recipient);
    if (skip || !message) {
      await markSkipped(db, campaign.id, recipient.contact_id, skip ?? "missing_variable");
      counters.skipped++;
    } else ready.push({ recipient, message });
  }
  if (ready.length === 0) return;
  const conversationIds: string[] = [];
  for (const { recipient } of ready)
    conversationIds.push(
      recipient.conversation_id ??
        (
          await withTransaction(ctx, (tx) =>
            ensureConversation(tx, { contactId: recipient.contact_id, numberId: campaign.phone_number_id }),
          )
        ).id,
    );
  const queuedRow = (index: number, messageId: string) => ({
    contact_id: ready[index]!.recipient.contact_id,
    conversation_id: conversationIds[index]!,
    message_id: messageId,
  });

  // One transaction for the whole step (one audit append, one enqueue): the campaign row is share-locked
  // first, so a pause either comes before (nothing is queued) or waits and then recalls all of it, because
  // the recipients are marked queued in the same transaction as their messages.
  let outcomes: BatchSendOutcome[];
  try {
    outcomes = await sendMessageBatch({
      ctx: { actor: campaignActor },
      input: {
        source: "campaign",
        sends: ready.map(({ recipient, message }, index) => ({
          conversationId: conversationIds[index]!,
          idempotencyKey: `campaign:${campaign.id}:${recipient.contact_id}`,
          message,
        })),
      },
      within: {
        before: async (tx) => {
          const [row] = await tx.execute<{ state: string }>(
            sql`select state from campaigns where id = ${campaign.id} for share`,
          );
          if (row?.state !== "running") throw new NotRunning();
        },
        after: (tx, results) =>
          markQueued(
            tx,
            campaign.id,
            results.flatMap((r, i) => (r && "messageId" in r ? [queuedRow(i, r.messageId)] : [])),
          ),
      },
    });
  } catch (error) {
    if (error instanceof NotRunning) return;
    throw error;
  }

  // Sends that raced another runner for their key were resolved after commit: mark those now.
  await markQueued(
    db,
    campaign.id,
    outcomes.flatMap((r, i) => ("messageId" in r ? [queuedRow(i, r.messageId)] : [])),
  );
  for (const [index, outcome] of outcomes.entries()) {
    const contactId = ready[index]!.recipient.contact_id;
    if ("messageId" in outcome) {
      counters.queued++;
      continue;
    }
    const error = outcome.error;
    if (
      error instanceof SendRefusedError &&
      (error.code === "marketing_opted_out" || error.code === "no_recipient")
    ) {
      await markSkipped(
        db,
        campaign.id,
        contactId,
        error.code === "no_recipient" ? "no_recipient" : "opted_out",
      );
      counters.skipped++;
      continue;
    }
    if (error instanceof ConflictError) {
      // The key was used before with other values (the contact's name changed since): that send stands.
      const [earlier] = await db.execute<{ id: string }>(
        sql`select id from messages where idempotency_key = ${`campaign:${campaign.id}:${contactId}`}`,
      );
      if (earlier) {
        await markQueued(db, campaign.id, [queuedRow(index, earlier.id)]);
        counters.queued++;
        continue;
      }
    }
    const detail =
      error instanceof ZodError
        ? { code: "validation_failed", message: error.issues[0]?.message ?? "invalid message" }
        : { code: error.code, message: error.message };
    await db.execute(sql`
      update campaign_recipients set state = 'failed', error = ${JSON.stringify(detail)}::jsonb,
        conversation_id = ${conversationIds[index]!}, updated_at = now()
      where campaign_id = ${campaign.id} and contact_id = ${contactId}`);
    counters.failed++;
  }
}

/** The campaign stopped running (paused, cancelled) between selecting the batch and queuing it. */
class NotRunning extends Error {}

/** Recipients whose message is in the send queue (idempotent: a replayed send marks the same row again). */
async function markQueued(
  db: DbOrTx,
  campaignId: string,
  rows: { contact_id: string; conversation_id: string; message_id: string }[],
) {
  if (rows.length === 0) return;
  await db.execute(sql`
    update campaign_recipients r set state = 'queued', message_id = x.message_id, conversation_id = x.conversation_id,
      queued_at = coalesce(r.queued_at, now()), updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(contact_id uuid, conversation_id uuid, message_id uuid)
    where r.campaign_id = ${campaignId} and r.contact_id = x.contact_id`);
}

/** The send for one recipient: the campaign's values with this contact's fields filled in. */
function buildMessage(campaign: CampaignRow, contact: RecipientContact): Record<string, unknown> | null {
  const variables = personalizeAll(campaign.variables, contact);
  if (!variables) return null;
  const header = campaign.header ? { ...campaign.header } : undefined;
  if (header && typeof header.text === "string") {
    const text = personalize(header.text, contact);
    if (text === null) return null;
    header.text = text;
  }
  return {
    type: "template",
    template_id: campaign.template_id,
    ...(Object.keys(variables).length > 0 ? { variables } : {}),
    ...(header ? { header } : {}),
    ...(campaign.buttons ? { buttons: campaign.buttons } : {}),
  };
}

/** Turns the segment into recipient rows (pending, or skipped with the reason), once per contact. */
async function expand(db: DbOrTx, campaign: CampaignRow) {
  const checked = { ...campaign.variables };
  if (typeof campaign.header?.text === "string") checked.__header = campaign.header.text;
  await classifySegment(
    db,
    {
      numberId: campaign.phone_number_id,
      wabaId: campaign.waba_id,
      segment: campaignSegment.parse(campaign.segment),
      templateCategory: campaign.template_category,
      variables: checked,
    },
    async (rows) => {
      const values = rows.map((row) => ({
        contact_id: row.contact_id,
        conversation_id: row.conversation_id,
        state: row.skip ? "skipped" : "pending",
        skip_reason: row.skip,
        country: row.country,
      }));
      await db.execute(sql`
        insert into campaign_recipients (campaign_id, contact_id, conversation_id, state, skip_reason, country)
        select ${campaign.id}, x.contact_id, x.conversation_id, x.state::campaign_recipient_state, x.skip_reason,
               x.country
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as x(contact_id uuid, conversation_id uuid, state text, skip_reason text, country text)
        on conflict (campaign_id, contact_id) do nothing`);
    },
  );
  await db.execute(sql`update campaigns set expanded_at = now() where id = ${campaign.id}`);
}

async function complete(ctx: Ctx, campaignId: string) {
  const done = await withTransaction(ctx, (tx) =>
    transition(tx, ctx.actor, {
      id: campaignId,
      from: ["running"],
      to: "completed",
      set: sql`completed_at = now()`,
      action: "campaign.completed",
    }),
  );
  if (done) await publishCampaignChanged({ campaign_id: campaignId, state: "completed", reason: "state" });
}

async function takeLease(db: DbOrTx, campaignId: string): Promise<boolean> {
  const [row] = await db.execute<{ id: string }>(sql`
    update campaigns set lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where id = ${campaignId} and state = 'running' and (lease_until is null or lease_until < now())
    returning id`);
  return Boolean(row);
}

/**
 * Queued messages Meta has not accepted yet: what the send queue still holds for us. Read from the number's
 * open sends (a few hundred at most), not from the recipients: those stay `queued` until a status arrives,
 * so that count read the whole campaign every step.
 */
async function countInFlight(db: DbOrTx, campaign: CampaignRow): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from outbound_sends s join messages m on m.id = s.message_id
    where s.phone_number_id = ${campaign.phone_number_id} and s.state in ('queued', 'sending', 'held')
      and m.source = 'campaign' and m.idempotency_key like ${`campaign:${campaign.id}:%`}`);
  return row?.n ?? 0;
}

async function selectPending(db: DbOrTx, campaignId: string, limit: number): Promise<PendingRecipient[]> {
  return db.execute<PendingRecipient>(sql`
    select r.contact_id, r.conversation_id, ct.phone, coalesce(ct.bsuid, ct.parent_bsuid) as bsuid, ct.username,
           ct.profile_name, ct.address_book_name
    from campaign_recipients r join contacts ct on ct.id = r.contact_id
    where r.campaign_id = ${campaignId} and r.state = 'pending'
    order by r.contact_id limit ${limit}`);
}

async function countPending(db: DbOrTx, campaignId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from campaign_recipients where campaign_id = ${campaignId} and state = 'pending'`);
  return row?.n ?? 0;
}

async function markSkipped(db: DbOrTx, campaignId: string, contactId: string, reason: SkipReason) {
  await db.execute(sql`
    update campaign_recipients set state = 'skipped', skip_reason = ${reason}, updated_at = now()
    where campaign_id = ${campaignId} and contact_id = ${contactId} and state = 'pending'`);
}
