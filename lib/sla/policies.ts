import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { isUuid } from "@/lib/utils/ids";
import { isValidTimeZone } from "@/lib/utils/time-zone";
import { ConflictError, NotFoundError } from "@/lib/errors";

const minutes = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 90)
  .nullable()
  .default(null);
export const slaPolicyInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(80),
    team_id: z.uuid().nullable().default(null),
    number_id: z.uuid().nullable().default(null),
    first_response_minutes: minutes,
    next_response_minutes: minutes,
    resolution_minutes: minutes,
    business_hours_id: z.uuid().nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict();

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "must be HH:MM");
export const businessHoursInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(80),
    timezone: z.string().refine(isValidTimeZone, "is not a time zone (e.g. Europe/Madrid)"),
    weekly: z.partialRecord(
      z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
      z.array(z.tuple([hhmm, hhmm])).max(4),
    ),
    holidays: z
      .array(z.object({ date: z.iso.date(), name: z.string().max(80).optional() }).strict())
      .max(100)
      .default([]),
  })
  .strict();

export async function listSlaPolicies({ ctx }: { ctx: Ctx }) {
  assertCan(ctx.actor, "conversations:read");
  return dbOf(ctx).execute(sql`
    select id, name, team_id, phone_number_id as number_id, first_response_minutes, next_response_minutes,
      resolution_minutes, business_hours_id, active from sla_policies order by name`);
}

export async function saveSlaPolicy({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id?: string } & z.input<typeof slaPolicyInput>;
}) {
  assertCan(ctx.actor, "settings:manage");
  const { id, ...body } = input;
  const p = slaPolicyInput.parse(body);
  if (id !== undefined && !isUuid(id)) throw new NotFoundError("SLA policy");
  return withTransaction(ctx, async (tx) => {
    const [row] = id
      ? await tx.execute<{ id: string }>(sql`
          update sla_policies set name = ${p.name}, team_id = ${p.team_id}, phone_number_id = ${p.number_id},
            first_response_minutes = ${p.first_response_minutes}, next_response_minutes = ${p.next_response_minutes},
            resolution_minutes = ${p.resolution_minutes}, business_hours_id = ${p.business_hours_id}, active = ${p.active}
          where id = ${id} returning id`)
      : await tx.execute<{ id: string }>(sql`
          insert into sla_policies (name, team_id, phone_number_id, first_response_minutes, next_response_minutes,
                                    resolution_minutes, business_hours_id, active)
          values (${p.name}, ${p.team_id}, ${p.number_id}, ${p.first_response_minutes}, ${p.next_response_minutes},
                  ${p.resolution_minutes}, ${p.business_hours_id}, ${p.active})
          returning id`);
    if (!row) throw new NotFoundError("SLA policy");
    await emitAudit(tx, ctx.actor, {
      action: id ? "sla.updated" : "sla.created",
      entityType: "sla_policy",
      entityId: row.id,
      data: p,
    });
    return { id: row.id, ...p };
  });
}

export async function deleteSlaPolicy({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "settings:manage");
  if (!isUuid(input.id)) throw new NotFoundError("SLA policy");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute(sql`delete from sla_policies where id = ${input.id} returning id`);
    if (!row) throw new NotFoundError("SLA policy");
    await emitAudit(tx, ctx.actor, { action: "sla.deleted", entityType: "sla_policy", entityId: input.id });
    return { ok: true as const };
  });
}

export async function listBusinessHours({ ctx }: { ctx: Ctx }) {
  assertCan(ctx.actor, "conversations:read");
  return dbOf(ctx).execute(
    sql`select id, name, timezone, weekly, holidays from business_hours order by name`,
  );
}

export async function saveBusinessHours({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id?: string } & z.input<typeof businessHoursInput>;
}) {
  assertCan(ctx.actor, "settings:manage");
  const { id, ...body } = input;
  const h = businessHoursInput.parse(body);
  if (id !== undefined && !isUuid(id)) throw new NotFoundError("Business hours");
  return withTransaction(ctx, async (tx) => {
    const clash = await tx.execute(
      sql`select 1 from business_hours where lower(name) = lower(${h.name}) and id is distinct from ${id ?? null}::uuid`,
    );
    if (clash.length) throw new ConflictError(`Business hours named "${h.name}" already exist`);
    const [row] = id
      ? await tx.execute<{ id: string }>(sql`
          update business_hours set name = ${h.name}, timezone = ${h.timezone}, weekly = ${JSON.stringify(h.weekly)}::jsonb,
            holidays = ${JSON.stringify(h.holidays)}::jsonb where id = ${id} returning id`)
      : await tx.execute<{ id: string }>(sql`
          insert into business_hours (name, timezone, weekly, holidays)
          values (${h.name}, ${h.timezone}, ${JSON.stringify(h.weekly)}::jsonb, ${JSON.stringify(h.holidays)}::jsonb)
          returning id`);
    if (!row) throw new NotFoundError("Business hours");
    await emitAudit(tx, ctx.actor, {
      action: id ? "business_hours.updated" : "business_hours.created",
      entityType: "business_hours",
      entityId: row.id,
      data: h,
    });
    return { id: row.id, ...h };
  });
}
