import { and, desc, inArray, isNull } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { adminAlerts, phoneNumbers } from "@/lib/db/schema";
import type { NumberDto } from "./schemas";

const INACTIVITY_LIMIT_DAYS = 14;

/** Numbers with their Coexistence state, history import progress and open alerts (two queries). */
export async function listNumbersForAdmin({ ctx }: { ctx: Ctx }): Promise<{ data: NumberDto[] }> {
  assertCan(ctx.actor, "numbers:read");
  const db = dbOf(ctx);
  const numbers = await db.select().from(phoneNumbers).orderBy(phoneNumbers.createdAt);
  const alerts = numbers.length
    ? await db
        .select()
        .from(adminAlerts)
        .where(
          and(
            isNull(adminAlerts.resolvedAt),
            inArray(
              adminAlerts.phoneNumberId,
              numbers.map((n) => n.id),
            ),
          ),
        )
        .orderBy(desc(adminAlerts.createdAt))
    : [];
  const now = Date.now();
  return {
    data: numbers.map((n) => ({
      id: n.id,
      waba_id: n.wabaId,
      phone_number_id: n.phoneNumberId,
      display_number: n.displayNumber,
      coexistence: n.coexistence,
      coexistence_state: n.coexistenceState,
      coexistence_reason: n.coexistenceReason,
      last_app_activity_at: n.lastAppActivityAt?.toISOString() ?? null,
      app_inactivity_days_left: n.lastAppActivityAt
        ? Math.max(0, Math.floor(INACTIVITY_LIMIT_DAYS - (now - n.lastAppActivityAt.getTime()) / 86_400_000))
        : null,
      history: {
        state: n.historyState,
        phase: n.historyPhase,
        progress: n.historyProgress,
        counts: n.historyCounts ?? { chunks: 0, threads: 0, messages: 0, duplicates: 0 },
        updated_at: n.historyUpdatedAt?.toISOString() ?? null,
      },
      alerts: alerts
        .filter((a) => a.phoneNumberId === n.id)
        .map((a) => ({ id: a.id, kind: a.kind, message: a.message, created_at: a.createdAt.toISOString() })),
    })),
  };
}
