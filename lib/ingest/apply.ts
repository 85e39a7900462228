import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { resolveContact } from "@/lib/contacts";
import { recordInboundMessage } from "@/lib/conversations";
import type { Tx } from "@/lib/db/client";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { findNumberByMetaId } from "@/lib/numbers";
import { publishConversationChanged } from "@/lib/realtime/publish";
import type { DomainEvent, NormalizeFailure } from "@/lib/whatsapp/events";
import { normalizeWebhook } from "@/lib/whatsapp/normalize";

type Publication = Parameters<typeof publishConversationChanged>[0];

export type ApplyOutcome =
  { state: "skipped" } | { state: "processed" | "failed"; applied: number; failures: NormalizeFailure[] };

/**
 * Applies one stored webhook: parse, normalize, apply each domain event in its own savepoint so one bad
 * item fails alone, record the outcome on the row, then publish after commit. Safe to run twice.
 */
export async function applyWebhookEvent({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { eventId: number };
}): Promise<ApplyOutcome> {
  assertCan(ctx.actor, "ingest:apply");
  const publications: Publication[] = [];
  const outcome = await withTransaction(ctx, async (tx) => {
    // SKIP LOCKED: a concurrent worker already applying this row owns it; this job has nothing to do.
    const [row] = await tx.execute<{ body: Buffer; status: string }>(
      sql`select body, status from webhook_events where id = ${input.eventId} for update skip locked`,
    );
    if (!row || row.status !== "pending") return { state: "skipped" } as const;

    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(row.body));
    } catch (error) {
      const failures = [{ path: "$", reason: `body is not valid JSON: ${(error as Error).message}` }];
      await finish(tx, input.eventId, "failed", failures);
      return { state: "failed", applied: 0, failures } as const;
    }

    const { events, failures } = normalizeWebhook(body);
    let applied = 0;
    for (const [index, event] of events.entries()) {
      try {
        const published = await tx.transaction((savepoint) => applyEvent(savepoint, event));
        publications.push(...published);
        applied += 1;
      } catch (error) {
        // A deadlock or lost connection is not the event's fault: fail the job so it is retried whole.
        if (isTransientDatabaseError(error)) throw error;
        failures.push({ path: `events[${index}] ${event.kind}`, reason: (error as Error).message });
      }
    }
    const state = failures.length > 0 && applied === 0 ? "failed" : "processed";
    await finish(tx, input.eventId, state, failures);
    return { state, applied, failures } as const;
  });
  for (const publication of publications) await publishConversationChanged(publication);
  return outcome;
}

async function applyEvent(tx: Tx, event: DomainEvent): Promise<Publication[]> {
  switch (event.kind) {
    case "message.received": {
      const number = await findNumberByMetaId(tx, event.phoneNumberId);
      if (!number) throw new Error(`unknown phone_number_id ${event.phoneNumberId}`);
      const contact = await resolveContact(tx, number.wabaId, event.customer);
      const recorded = await recordInboundMessage(tx, {
        numberId: number.id,
        defaultTeamId: number.defaultTeamId,
        contactId: contact.id,
        event,
      });
      if (!recorded.messageId) return [];
      return [{ ...recorded, reason: "message" }];
    }
    case "unhandled":
      return [];
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

async function finish(tx: Tx, eventId: number, state: "processed" | "failed", failures: NormalizeFailure[]) {
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
    where id = ${eventId}`);
}
