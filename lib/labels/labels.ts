import { personId } from "@/lib/auth/actor";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";

export type LabelDto = {
  id: string;
  name: string;
  color: string;
  description: string;
  conversations: number;
};

export const labelInput = z
  .object({
    name: z.string().trim().min(1, "is empty").max(50),
    color: z
      .string()
      .regex(/^#[0-9a-f]{6}$/i, "must be a hex colour like #2563eb")
      .default("#64748b"),
    description: z.string().trim().max(200).default(""),
  })
  .strict();
export const labelPatch = labelInput.partial().strict();

/** Every label with how many conversations carry it (the filter menu and the admin page). */
export async function listLabels({ ctx }: { ctx: Ctx }): Promise<LabelDto[]> {
  assertCan(ctx.actor, "conversations:read");
  return dbOf(ctx).execute<LabelDto>(sql`
    select l.id, l.name, l.color, l.description,
      (select count(*)::int from conversation_labels cl where cl.label_id = l.id) as conversations
    from labels l order by lower(l.name)`);
}

export async function createLabel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof labelInput>;
}): Promise<LabelDto> {
  assertCan(ctx.actor, "labels:manage");
  const params = labelInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<LabelDto>(sql`
      insert into labels (name, color, description, created_by)
      values (${params.name}, ${params.color}, ${params.description}, ${personId(ctx.actor)})
      on conflict do nothing
      returning id, name, color, description, 0 as conversations`);
    if (!row) throw new ConflictError(`A label named "${params.name}" already exists`);
    await emitAudit(tx, ctx.actor, {
      action: "label.created",
      entityType: "label",
      entityId: row.id,
      data: params,
    });
    return row;
  });
}

export async function updateLabel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<typeof labelPatch>;
}): Promise<LabelDto> {
  assertCan(ctx.actor, "labels:manage");
  const { id, ...body } = input;
  const params = labelPatch.parse(body);
  if (!isUuid(id)) throw new NotFoundError("Label");
  return withTransaction(ctx, async (tx) => {
    const clash =
      params.name &&
      (await tx.execute(sql`select 1 from labels where lower(name) = lower(${params.name}) and id <> ${id}`))
        .length;
    if (clash) throw new ConflictError(`A label named "${params.name}" already exists`);
    const [row] = await tx.execute<LabelDto>(sql`
      update labels set name = coalesce(${params.name ?? null}, name), color = coalesce(${params.color ?? null}, color),
        description = coalesce(${params.description ?? null}, description)
      where id = ${id}
      returning id, name, color, description,
        (select count(*)::int from conversation_labels cl where cl.label_id = labels.id) as conversations`);
    if (!row) throw new NotFoundError("Label");
    await emitAudit(tx, ctx.actor, {
      action: "label.updated",
      entityType: "label",
      entityId: id,
      data: params,
    });
    return row;
  });
}

/** Deletes the label and takes it off every conversation (the audit row keeps how many). */
export async function deleteLabel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<{ ok: true }> {
  assertCan(ctx.actor, "labels:manage");
  if (!isUuid(input.id)) throw new NotFoundError("Label");
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ name: string; conversations: number }>(sql`
      with gone as (delete from labels where id = ${input.id} returning id, name)
      select gone.name, (select count(*)::int from conversation_labels where label_id = gone.id) as conversations
      from gone`);
    if (!row) throw new NotFoundError("Label");
    await emitAudit(tx, ctx.actor, {
      action: "label.deleted",
      entityType: "label",
      entityId: input.id,
      data: row,
    });
    return { ok: true as const };
  });
}
