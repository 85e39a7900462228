import { personId } from "@/lib/auth/actor";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan, can } from "@/lib/auth/permissions";
import type { Tx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";

export type CannedResponseDto = {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  /** Shared with everyone, or the author's own. */
  scope: "shared" | "personal";
  updated_at: string;
};

export const cannedInput = z
  .object({
    // Typed after "/" in the composer: letters, digits, dashes and underscores.
    shortcut: z
      .string()
      .trim()
      .regex(/^[a-z0-9_-]{1,32}$/i, "must be 1–32 letters, digits, - or _"),
    title: z.string().trim().min(1, "is empty").max(80),
    // May use {{contact.name}}, {{contact.first_name}}, {{agent.name}}; filled in by the composer.
    body: z.string().trim().min(1, "is empty").max(4096),
    scope: z.enum(["shared", "personal"]).default("personal"),
  })
  .strict();
export const cannedPatch = cannedInput.omit({ scope: true }).partial().strict();

type Row = {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  owner_id: string | null;
  updated_at: string;
};

/** What the composer offers: every shared response and the user's own, personal first on a shared shortcut. */
export async function listCannedResponses({ ctx }: { ctx: Ctx }): Promise<CannedResponseDto[]> {
  assertCan(ctx.actor, "conversations:reply");
  const userId = personId(ctx.actor);
  const rows = await dbOf(ctx).execute<Row>(sql`
    select id, shortcut, title, body, owner_id, updated_at from canned_responses
    where owner_id is null or owner_id = ${userId}
    order by lower(shortcut), owner_id nulls last`);
  return rows.map(toDto);
}

export async function createCannedResponse({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof cannedInput>;
}): Promise<CannedResponseDto> {
  assertCan(ctx.actor, "conversations:reply");
  const params = cannedInput.parse(input);
  if (params.scope === "shared") assertCan(ctx.actor, "canned:manage");
  if (params.scope === "personal" && !personId(ctx.actor))
    throw new ForbiddenError("Personal canned responses belong to a person");
  const owner = params.scope === "personal" ? personId(ctx.actor) : null;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<Row>(sql`
      insert into canned_responses (shortcut, title, body, owner_id, created_by)
      values (${params.shortcut}, ${params.title}, ${params.body}, ${owner}, ${personId(ctx.actor)})
      on conflict do nothing
      returning id, shortcut, title, body, owner_id, updated_at`);
    if (!row) throw new ConflictError(`The shortcut /${params.shortcut} is already taken`);
    if (!owner) await audit(tx, ctx, "canned_response.created", row.id, { shortcut: params.shortcut });
    return toDto(row);
  });
}

export async function updateCannedResponse({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<typeof cannedPatch>;
}): Promise<CannedResponseDto> {
  const { id, ...body } = input;
  const params = cannedPatch.parse(body);
  return withTransaction(ctx, async (tx) => {
    const existing = await editable(tx, ctx, id);
    if (params.shortcut) {
      const [clash] = await tx.execute(sql`
        select 1 from canned_responses where lower(shortcut) = lower(${params.shortcut}) and id <> ${id}
          and owner_id is not distinct from ${existing.owner_id}`);
      if (clash) throw new ConflictError(`The shortcut /${params.shortcut} is already taken`);
    }
    const [row] = await tx.execute<Row>(sql`
      update canned_responses set shortcut = coalesce(${params.shortcut ?? null}, shortcut),
        title = coalesce(${params.title ?? null}, title), body = coalesce(${params.body ?? null}, body), updated_at = now()
      where id = ${id} returning id, shortcut, title, body, owner_id, updated_at`);
    if (!existing.owner_id) await audit(tx, ctx, "canned_response.updated", id, params);
    return toDto(row!);
  });
}

export async function deleteCannedResponse({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  return withTransaction(ctx, async (tx) => {
    const existing = await editable(tx, ctx, input.id);
    await tx.execute(sql`delete from canned_responses where id = ${input.id}`);
    if (!existing.owner_id)
      await audit(tx, ctx, "canned_response.deleted", input.id, { shortcut: existing.shortcut });
    return { ok: true as const };
  });
}

/** Your own personal responses, or shared ones with canned:manage; others' personal ones look missing. */
async function editable(tx: Tx, ctx: Ctx, id: string): Promise<Row> {
  assertCan(ctx.actor, "conversations:reply");
  if (!isUuid(id)) throw new NotFoundError("Canned response");
  const [row] = await tx.execute<Row>(
    sql`select id, shortcut, title, body, owner_id, updated_at from canned_responses where id = ${id} for update`,
  );
  const self = personId(ctx.actor);
  if (!row || (row.owner_id !== null && row.owner_id !== self)) throw new NotFoundError("Canned response");
  if (row.owner_id === null && !can(ctx.actor, "canned:manage"))
    throw new ForbiddenError("Only supervisors and admins edit shared canned responses");
  return row;
}

function audit(tx: Tx, ctx: Ctx, action: string, id: string, data: unknown) {
  return emitAudit(tx, ctx.actor, { action, entityType: "canned_response", entityId: id, data });
}

function toDto(row: Row): CannedResponseDto {
  return {
    id: row.id,
    shortcut: row.shortcut,
    title: row.title,
    body: row.body,
    scope: row.owner_id ? "personal" : "shared",
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
