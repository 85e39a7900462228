import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { systemActor } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { openNumberToken } from "@/lib/numbers/token";
import { publishNumberChanged } from "@/lib/realtime/publish";
import { graphJson } from "@/lib/whatsapp/client";
import { numberIntervalMs, numberSendLimit } from "./rate-limiter";
import { scheduleSend } from "./schedule";
import type { SendErrorInfo } from "@/lib/whatsapp/send-errors";
import { isUuid } from "@/lib/utils/ids";

/**
 * Meta refused our token or permissions (190, 0, 10, 200–299, account locks): every further send from this
 * number would fail the same way, so its queue holds (messages stay queued, nothing is lost) and admins
 * are alerted. Other numbers keep flowing. Idempotent: the first failure pauses, later ones just hold.
 */
export async function pauseNumberSending({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string; error: SendErrorInfo };
}) {
  const paused = await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ display_number: string }>(sql`
      update phone_numbers set sending_paused_at = now(), sending_paused_reason = ${JSON.stringify(input.error)}::jsonb
      where id = ${input.numberId} and sending_paused_at is null
      returning display_number`);
    if (!row) return false;
    await tx.execute(sql`
      update outbound_sends set state = 'held', hold_reason = 'number'
      where phone_number_id = ${input.numberId} and state = 'queued'`);
    await tx.execute(sql`
      insert into admin_alerts (phone_number_id, kind, message, data)
      values (${input.numberId}, 'sending_paused',
              ${`Sending from ${row.display_number} is paused: ${input.error.title}. ${input.error.hint}`},
              ${JSON.stringify({ code: input.error.code })}::jsonb)`);
    await emitAudit(tx, ctx.actor, {
      action: "number.sending_paused",
      entityType: "phone_number",
      entityId: input.numberId,
      data: { code: input.error.code },
    });
    return true;
  });
  if (paused) {
    console.warn(
      `[messaging] sending paused for number ${input.numberId}: ${input.error.code} ${input.error.title}`,
    );
    await publishNumberChanged({ number_id: input.numberId, reason: "sending" });
  }
}

/** Lifts the pause (an admin fixed the token, or the probe found it working) and re-queues held messages. */
export async function resumeNumberSending({ ctx, input }: { ctx: Ctx; input: { numberId: string } }) {
  assertCan(ctx.actor, "numbers:manage");
  if (!isUuid(input.numberId)) throw new NotFoundError("Number");
  const held = await withTransaction(ctx, async (tx) => {
    const [number] = await tx.execute<{ send_rate_limit: number | null; coexistence: boolean }>(sql`
      update phone_numbers set sending_paused_at = null, sending_paused_reason = null
      where id = ${input.numberId} returning send_rate_limit, coexistence`);
    if (!number) throw new NotFoundError("Number");
    await tx.execute(sql`
      update admin_alerts set resolved_at = now()
      where phone_number_id = ${input.numberId} and kind = 'sending_paused' and resolved_at is null`);
    // Paced as the number's slots will take them (agents' first, then oldest): all at once, dozens of jobs claimed and
    // resolved together kept a worker's loop so busy that a send left late and crowded Meta's 1 s window.
    const intervalMs = numberIntervalMs(numberSendLimit(number));
    const rows = await tx.execute<{ message_id: string; start_ms: string | number }>(sql`
      with held as (
        select message_id, row_number() over (order by priority, created_at, message_id) - 1 as place
        from outbound_sends
        where phone_number_id = ${input.numberId} and state = 'held' and hold_reason is distinct from 'campaign'
      )
      update outbound_sends s set state = 'queued', hold_reason = null,
        next_attempt_at = now() + make_interval(secs => h.place * ${intervalMs}::float8 / 1000)
      from held h where s.message_id = h.message_id
      returning s.message_id, extract(epoch from s.next_attempt_at) * 1000 as start_ms`);
    await emitAudit(tx, ctx.actor, {
      action: "number.sending_resumed",
      entityType: "phone_number",
      entityId: input.numberId,
      data: { requeued: rows.length },
    });
    return rows.map((r) => ({ messageId: r.message_id, startAt: new Date(Number(r.start_ms)) }));
  });
  for (const { messageId, startAt } of held) await scheduleSend(messageId, { startAt });
  await publishNumberChanged({ number_id: input.numberId, reason: "sending" });
  return { requeued: held.length };
}

/**
 * For each paused number, asks Meta whether the token works again (a cheap read of the number); if it does,
 * sending resumes. Runs from the periodic send sweep, so a fixed token is noticed within a minute.
 */
export async function probePausedNumbers({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: { pausedForMs?: number };
}): Promise<string[]> {
  // Give an admin's fix (or Meta) a moment: probing right after the pause would only fail again.
  const pausedFor = `${input.pausedForMs ?? 20_000} milliseconds`;
  const paused = await dbOf(ctx).execute<{ id: string; pnid: string; sealed: string | null }>(sql`
    select id, phone_number_id as pnid, access_token_sealed as sealed from phone_numbers
    where sending_paused_at is not null and sending_paused_at < now() - ${pausedFor}::interval`);
  const resumed: string[] = [];
  for (const number of paused) {
    try {
      // Probe with the token this number's sends use (deliver.ts), else a working environment token would
      // resume a number whose own token is still refused, and it would pause again at once.
      const accessToken = openNumberToken(number.sealed) ?? undefined;
      await graphJson(`${number.pnid}`, { query: { fields: "id" }, timeoutMs: 10_000, accessToken });
    } catch {
      continue;
    }
    await resumeNumberSending({
      ctx: { ...ctx, actor: systemActor("send-probe") },
      input: { numberId: number.id },
    });
    resumed.push(number.id);
  }
  return resumed;
}
