import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { personId } from "@/lib/auth/actor";
import { assertCan } from "@/lib/auth/permissions";
import { seal } from "@/lib/auth/secret-box";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { INTEGRATION_EVENTS, WEBHOOK_CHANNEL } from "./events";
import type { DeliveryDto, EndpointDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

export const endpointInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(80),
    // Customer data leaves the building: HTTPS only (localhost allowed for development and tests).
    url: z
      .url()
      .refine((u) => u.startsWith("https://") || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(u), {
        message: "must be an https:// URL",
      }),
    events: z.array(z.enum(INTEGRATION_EVENTS)).min(1, "pick at least one event"),
    active: z.boolean().default(true),
  })
  .strict();

export type { EndpointDto };

export async function listEndpoints({ ctx }: { ctx: Ctx }): Promise<EndpointDto[]> {
  assertCan(ctx.actor, "settings:manage");
  const rows = await dbOf(ctx).execute<EndpointDto>(sql`
    select e.id, e.name, e.url, e.events, e.active, e.created_at,
      (select count(*)::int from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'pending') as pending,
      (select count(*)::int from webhook_deliveries d where d.endpoint_id = e.id and d.status = 'failed') as failed
    from webhook_endpoints e order by e.created_at`);
  return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
}

/** Creates an endpoint; its signing secret is returned once and stored sealed. */
export async function createEndpoint({ ctx, input }: { ctx: Ctx; input: z.input<typeof endpointInput> }) {
  assertCan(ctx.actor, "settings:manage");
  const params = endpointInput.parse(input);
  const secret = `whsec_${crypto.randomBytes(24).toString("base64url")}`;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ id: string }>(sql`
      insert into webhook_endpoints (name, url, secret, events, active, created_by)
      values (${params.name}, ${params.url}, ${seal(secret, "webhook-secret")},
              ${`{${params.events.join(",")}}`}::text[], ${params.active}, ${personId(ctx.actor)})
      returning id`);
    await emitAudit(tx, ctx.actor, {
      action: "webhook_endpoint.created",
      entityType: "webhook_endpoint",
      entityId: row!.id,
      data: { name: params.name, url: params.url, events: params.events },
    });
    return { id: row!.id, secret };
  });
}

export async function updateEndpoint({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<ReturnType<typeof endpointInput.partial>>;
}) {
  assertCan(ctx.actor, "settings:manage");
  const { id, ...body } = input;
  const params = endpointInput.partial().strict().parse(body);
  if (!isUuid(id)) throw new NotFoundError("Webhook endpoint");
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute(sql`
      update webhook_endpoints set name = coalesce(${params.name ?? null}, name), url = coalesce(${params.url ?? null}, url),
        events = coalesce(${params.events ? `{${params.events.join(",")}}` : null}::text[], events),
        active = coalesce(${params.active ?? null}, active)
      where id = ${id} returning id`);
    if (!row) throw new NotFoundError("Webhook endpoint");
    await emitAudit(tx, ctx.actor, {
      action: "webhook_endpoint.updated",
      entityType: "webhook_endpoint",
      entityId: id,
      data: params,
    });
  });
  return (await listEndpoints({ ctx })).find((e) => e.id === id)!;
}

export async function deleteEndpoint({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "settings:manage");
  if (!isUuid(input.id)) throw new NotFoundError("Webhook endpoint");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute(sql`delete from webhook_endpoints where id = ${input.id} returning id`);
    if (!row) throw new NotFoundError("Webhook endpoint");
    await emitAudit(tx, ctx.actor, {
      action: "webhook_endpoint.deleted",
      entityType: "webhook_endpoint",
      entityId: input.id,
    });
    return { ok: true as const };
  });
}

/** The delivery log, newest first: what was sent, when, the answer, and what is still being retried. */
export async function listDeliveries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string; cursor?: string; status?: string };
}) {
  assertCan(ctx.actor, "settings:manage");
  if (!isUuid(input.id)) throw new NotFoundError("Webhook endpoint");
  const before = input.cursor && /^\d+$/.test(input.cursor) ? Number(input.cursor) : null;
  const rows = await dbOf(ctx).execute<Omit<DeliveryDto, "id"> & { id: string }>(sql`
    select id, event_type, status, attempts, last_status_code, last_error, last_response_body,
      last_response_truncated, created_at, delivered_at, next_attempt_at, payload
    from webhook_deliveries where endpoint_id = ${input.id}
      ${before ? sql`and id < ${before}` : sql``}
      ${input.status ? sql`and status = ${input.status}` : sql``}
    order by id desc limit 51`);
  const page: DeliveryDto[] = rows.slice(0, 50).map((r) => ({
    ...r,
    id: Number(r.id),
    created_at: new Date(r.created_at).toISOString(),
    delivered_at: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    next_attempt_at: new Date(r.next_attempt_at).toISOString(),
  }));
  return { data: page, next_cursor: rows.length > 50 ? String(page.at(-1)!.id) : null };
}

/** Sends a failed (or delivered) event again, now. */
export async function redeliver({ ctx, input }: { ctx: Ctx; input: { id: string; deliveryId: string } }) {
  assertCan(ctx.actor, "settings:manage");
  if (!isUuid(input.id) || !/^\d+$/.test(input.deliveryId)) throw new NotFoundError("Delivery");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute(sql`
      update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now()
      where id = ${Number(input.deliveryId)} and endpoint_id = ${input.id} returning id`);
    if (!row) throw new NotFoundError("Delivery");
    await tx.execute(sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`);
    await emitAudit(tx, ctx.actor, {
      action: "webhook_delivery.redelivered",
      entityType: "webhook_endpoint",
      entityId: input.id,
      data: { delivery_id: Number(input.deliveryId) },
    });
    return { ok: true as const };
  });
}

/** A new signing secret for the endpoint, returned once; the old one stops working at once. Audited. */
export async function rotateEndpointSecret({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  assertCan(ctx.actor, "settings:manage");
  if (!isUuid(input.id)) throw new NotFoundError("Webhook endpoint");
  const secret = `whsec_${crypto.randomBytes(24).toString("base64url")}`;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute(sql`
      update webhook_endpoints set secret = ${seal(secret, "webhook-secret")} where id = ${input.id} returning id`);
    if (!row) throw new NotFoundError("Webhook endpoint");
    await emitAudit(tx, ctx.actor, {
      action: "webhook_endpoint.secret_rotated",
      entityType: "webhook_endpoint",
      entityId: input.id,
    });
    return { id: input.id, secret };
  });
}
