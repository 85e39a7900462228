import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { assertCan, can } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import type { DbOrTx } from "@/lib/db/client";
import { adminAlerts, phoneNumbers } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";
import { defaultSendRate, type NumberDto } from "./schemas";

const INACTIVITY_LIMIT_DAYS = 14;
const DAY_MS = 86_400_000;

/** Numbers with their Coexistence state, history import progress, settings and open alerts (three queries). */
export async function listNumbersForAdmin({ ctx }: { ctx: Ctx }): Promise<{ data: NumberDto[] }> {
  assertCan(ctx.actor, "numbers:read");
  const db = dbOf(ctx);
  const numbers = await db.select().from(phoneNumbers).orderBy(phoneNumbers.createdAt);
  return { data: await toDtos(ctx, db, numbers) };
}

export async function getNumberForAdmin({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<NumberDto> {
  assertCan(ctx.actor, "numbers:read");
  if (!isUuid(input.id)) throw new NotFoundError("Number");
  const db = dbOf(ctx);
  const numbers = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, input.id)).limit(1);
  const [dto] = await toDtos(ctx, db, numbers);
  if (!dto) throw new NotFoundError("Number");
  return dto;
}

type BotSummary = { phone_number_id: string; name: string; kind: string; active: boolean };

async function toDtos(
  ctx: Ctx,
  db: DbOrTx,
  numbers: (typeof phoneNumbers.$inferSelect)[],
): Promise<NumberDto[]> {
  if (numbers.length === 0) return [];
  const ids = numbers.map((n) => n.id);
  const alerts = await db
    .select()
    .from(adminAlerts)
    .where(and(isNull(adminAlerts.resolvedAt), inArray(adminAlerts.phoneNumberId, ids)))
    .orderBy(desc(adminAlerts.createdAt));
  // Bots are configured under numbers:manage; readers without it just don't see which bot runs.
  const bots = can(ctx.actor, "numbers:manage")
    ? await db.execute<BotSummary>(sql`
        select phone_number_id, name, kind::text as kind, active from bots
        where phone_number_id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`)
    : [];
  const now = Date.now();
  return numbers.map((n) => {
    const bot = bots.find((b) => b.phone_number_id === n.id);
    return {
      id: n.id,
      waba_id: n.wabaId,
      phone_number_id: n.phoneNumberId,
      display_number: n.displayNumber,
      coexistence: n.coexistence,
      coexistence_state: n.coexistenceState,
      coexistence_reason: n.coexistenceReason,
      coexistence_changed_at: n.coexistenceChangedAt?.toISOString() ?? null,
      last_app_activity_at: n.lastAppActivityAt?.toISOString() ?? null,
      app_inactivity_days_left: n.lastAppActivityAt
        ? Math.max(0, Math.floor(INACTIVITY_LIMIT_DAYS - (now - n.lastAppActivityAt.getTime()) / DAY_MS))
        : null,
      history: {
        state: n.historyState,
        phase: n.historyPhase,
        progress: n.historyProgress,
        counts: n.historyCounts ?? { chunks: 0, threads: 0, messages: 0, duplicates: 0 },
        updated_at: n.historyUpdatedAt?.toISOString() ?? null,
      },
      contact_sync_at: n.contactSyncAt?.toISOString() ?? null,
      send_rate_limit: n.sendRateLimit,
      effective_send_rate: n.sendRateLimit ?? defaultSendRate(n.coexistence),
      sending_paused: n.sendingPausedAt !== null,
      default_team_id: n.defaultTeamId,
      has_access_token: n.accessTokenSealed !== null,
      access_token_set_at: n.accessTokenSetAt?.toISOString() ?? null,
      bot: bot ? { name: bot.name, kind: bot.kind, active: bot.active } : null,
      alerts: alerts
        .filter((a) => a.phoneNumberId === n.id)
        .map((a) => ({ id: a.id, kind: a.kind, message: a.message, created_at: a.createdAt.toISOString() })),
    };
  });
}
