import { and, eq, isNull, sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";
import { adminAlerts, phoneNumbers } from "@/lib/db/schema";
import type { AccountUpdated, HistoryChunk, HistoryDeclined } from "@/lib/whatsapp/events";

const stateFor: Record<string, "partner_removed" | "offboarded" | "active"> = {
  PARTNER_REMOVED: "partner_removed",
  ACCOUNT_OFFBOARDED: "offboarded",
  ACCOUNT_RECONNECTED: "active",
};

const advice: Record<string, string> = {
  PRIMARY_INACTIVITY:
    "The owner's phone did not open WhatsApp Business for about 14 days. Open the app on the phone, then onboard the number again.",
  COMPANION_INACTIVITY: "A linked device was inactive for about 30 days. Re-link it and onboard again.",
  ACCOUNT_DISCONNECTED:
    "The owner pressed Disconnect in the app (Settings › Account › Business Platform). Onboard the number again.",
  BUSINESS_DOWNGRADE:
    "The number moved to consumer WhatsApp. Move it back to WhatsApp Business, then onboard again.",
  CHANGE_NUMBER: "The business changed its number. Connect the new number.",
  USER_RE_REGISTERED: "The number was registered again on a phone. Onboard it again.",
};

/**
 * account_update (PROTOCOL.md §5.5): moves the number's Coexistence state, raises or resolves an admin
 * alert with what to do, and audits it. Returns the numbers it changed.
 */
export async function applyAccountUpdate(tx: Tx, event: AccountUpdated): Promise<string[]> {
  const state = stateFor[event.event];
  if (!state) return [];
  const numbers = await tx.select().from(phoneNumbers).where(eq(phoneNumbers.wabaId, event.wabaId));
  const digits = event.phoneNumber?.replace(/\D/g, "");
  const targets = digits ? numbers.filter((n) => n.displayNumber.replace(/\D/g, "") === digits) : numbers;
  for (const number of targets) {
    await tx
      .update(phoneNumbers)
      .set({
        coexistenceState: state,
        coexistenceReason: event.reason,
        coexistenceChangedAt: event.timestamp,
      })
      .where(eq(phoneNumbers.id, number.id));
    if (state === "active") {
      await tx
        .update(adminAlerts)
        .set({ resolvedAt: new Date() })
        .where(
          and(
            eq(adminAlerts.phoneNumberId, number.id),
            eq(adminAlerts.kind, "coexistence"),
            isNull(adminAlerts.resolvedAt),
          ),
        );
    } else {
      const what =
        state === "offboarded" ? "was offboarded from the Cloud API" : "was disconnected from the Cloud API";
      await tx.insert(adminAlerts).values({
        phoneNumberId: number.id,
        kind: "coexistence",
        message: `${number.displayNumber} ${what}. ${advice[event.reason ?? ""] ?? "Onboard the number again to resume."}`,
        data: { event: event.event, reason: event.reason, initiatedBy: event.initiatedBy },
      });
    }
    await emitAudit(tx, systemActor("ingest"), {
      action: `number.${state}`,
      entityType: "phone_number",
      entityId: number.id,
      data: { event: event.event, reason: event.reason, initiatedBy: event.initiatedBy },
    });
  }
  return targets.map((n) => n.id);
}

/** What a batch's history chunks of one number add up to: the highest phase and percent, the counts summed. */
export type HistoryProgress = {
  phase: number;
  progress: number;
  chunks: number;
  threads: number;
  messages: number;
  duplicates: number;
};

/** What one history chunk added: threads it touched, messages inserted, duplicates skipped. */
export type HistoryAdded = { threads: number; messages: number; duplicates: number };

/** Folds one chunk into a batch's progress for its number (written once, by recordHistoryProgress). */
export function addHistoryChunk(
  total: HistoryProgress | undefined,
  event: Pick<HistoryChunk, "phase" | "progress">,
  added: HistoryAdded,
): HistoryProgress {
  return {
    phase: Math.max(total?.phase ?? event.phase, event.phase),
    progress: Math.max(total?.progress ?? event.progress, event.progress),
    chunks: (total?.chunks ?? 0) + 1,
    threads: (total?.threads ?? 0) + added.threads,
    messages: (total?.messages ?? 0) + added.messages,
    duplicates: (total?.duplicates ?? 0) + added.duplicates,
  };
}

/**
 * History import progress per number (§5.4): phase, percent, counts; complete at progress 100. Takes a
 * batch's chunks summed (addHistoryChunk): one UPDATE of the hot phone_numbers row at the end of the batch,
 * so concurrent lanes hold its lock only while they commit, not while they import.
 */
export async function recordHistoryProgress(tx: Tx, numberId: string, total: HistoryProgress): Promise<void> {
  await tx.execute(sql`
    update phone_numbers set
      history_state = case when history_state = 'declined' then history_state
                           when ${total.progress} >= 100 or history_state = 'complete' then 'complete'::history_import_state
                           else 'importing'::history_import_state end,
      history_phase = greatest(history_phase, ${total.phase}),
      history_progress = greatest(history_progress, ${total.progress}),
      history_counts = jsonb_build_object(
        'chunks', coalesce((history_counts->>'chunks')::int, 0) + ${total.chunks},
        'threads', coalesce((history_counts->>'threads')::int, 0) + ${total.threads},
        'messages', coalesce((history_counts->>'messages')::int, 0) + ${total.messages},
        'duplicates', coalesce((history_counts->>'duplicates')::int, 0) + ${total.duplicates}),
      history_updated_at = now()
    where id = ${numberId}`);
}

/** The business declined history sharing (2593109): record it so nobody waits for history. */
export async function recordHistoryDeclined(tx: Tx, numberId: string, event: HistoryDeclined): Promise<void> {
  await tx
    .update(phoneNumbers)
    .set({ historyState: "declined", historyUpdatedAt: new Date() })
    .where(eq(phoneNumbers.id, numberId));
  await tx.insert(adminAlerts).values({
    phoneNumberId: numberId,
    kind: "history_declined",
    message:
      "History was not shared: the business turned history sync off in the WhatsApp Business app. Past chats stay on the phone.",
    data: event.error,
  });
}

/** An echo proves the owner's phone app is in use: the 14-day inactivity clock restarts. */
export async function recordAppActivity(tx: Tx, numberId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    update phone_numbers set last_app_activity_at = greatest(last_app_activity_at, ${at.toISOString()}::timestamptz)
    where id = ${numberId}`);
}

/** An address-book entry arrived (smb_app_state_sync, §5.3): the admin page shows when contacts last synced. */
export async function recordContactSync(tx: Tx, numberId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    update phone_numbers set contact_sync_at = greatest(contact_sync_at, ${at.toISOString()}::timestamptz)
    where id = ${numberId}`);
}
