import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { touchConversation, type ConversationTouch } from "@/lib/conversations";
import type { DbOrTx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { pgTextArray } from "@/lib/db/text-array";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { publishConversationChanged } from "@/lib/realtime/publish";
import { isUuid } from "@/lib/utils/ids";
import {
  ATTRIBUTE_OPS_BY_TYPE,
  createAttributeInput,
  listAttributesInput,
  parseAttributeValue,
  parseInput,
  setAttributesInput,
  slugFromLabel,
  updateAttributeInput,
  type AttributeDefinitionDto,
  type AttributeOp,
  type AttributeValue,
} from "./schemas";
import { assertContactAccess } from "./contact-access";

// Custom contact attributes: admins (contacts:manage) keep the definitions; anyone who may reply in one of a
// contact's conversations fills in its values. Values live in contacts.attributes (see the schema).

const COLUMNS = sql`id, key, label, type::text as type, options, position, archived_at is not null as archived,
  created_at`;

/** The definitions in panel order; archived ones only when asked (the admin page). */
export async function listAttributes({
  ctx,
  input = {},
}: {
  ctx: Ctx;
  input?: z.input<typeof listAttributesInput>;
}): Promise<AttributeDefinitionDto[]> {
  assertCan(ctx.actor, "conversations:read");
  const params = parseInput(listAttributesInput, input);
  const rows = await dbOf(ctx).execute<DefinitionRow>(sql`
    select ${COLUMNS} from contact_attribute_definitions
    ${params.include_archived === "true" ? sql`` : sql`where archived_at is null`}
    order by position, created_at, id`);
  return rows.map(toDto);
}

export async function createAttribute({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof createAttributeInput>;
}): Promise<AttributeDefinitionDto> {
  assertCan(ctx.actor, "contacts:manage");
  const params = parseInput(createAttributeInput, input);
  const key = params.key ?? slugFromLabel(params.label);
  if (!key) throw new ValidationError("key is empty", { field: "key" });
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<DefinitionRow>(sql`
      insert into contact_attribute_definitions (key, label, type, options, position)
      values (${key}, ${params.label}, ${params.type}, ${pgTextArray(params.options)}::text[],
        (select coalesce(max(position) + 1, 0) from contact_attribute_definitions))
      on conflict (key) do nothing
      returning ${COLUMNS}`);
    if (!row)
      throw new ConflictError(`An attribute with the key "${key}" already exists (archived ones count)`);
    await emitAudit(tx, ctx.actor, {
      action: "contact_attribute.created",
      entityType: "contact_attribute",
      entityId: row.id,
      data: { key, label: params.label, type: params.type, options: params.options },
    });
    return toDto(row);
  });
}

/** Renames, edits a select's options, archives or restores, or moves the attribute to `position`. */
export async function updateAttribute({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<typeof updateAttributeInput>;
}): Promise<AttributeDefinitionDto> {
  assertCan(ctx.actor, "contacts:manage");
  const { id, ...body } = input;
  const params = parseInput(updateAttributeInput, body);
  if (!isUuid(id)) throw new NotFoundError("Contact attribute");
  return withTransaction(ctx, async (tx) => {
    // Locks the whole list: concurrent reorders would otherwise interleave their renumbering.
    const all = await tx.execute<DefinitionRow>(sql`
      select ${COLUMNS} from contact_attribute_definitions order by position, created_at, id for update`);
    const current = all.find((d) => d.id === id);
    if (!current) throw new NotFoundError("Contact attribute");
    if (params.options !== undefined) {
      if (current.type !== "select")
        throw new ValidationError("options are only for select attributes", { field: "options" });
      if (params.options.length === 0)
        throw new ValidationError("options needs at least one option for a select", { field: "options" });
    }
    await tx.execute(sql`
      update contact_attribute_definitions set
        label = coalesce(${params.label ?? null}, label),
        options = coalesce(${params.options ? pgTextArray(params.options) : null}::text[], options),
        archived_at = ${
          params.archived === undefined
            ? sql`archived_at`
            : params.archived
              ? sql`coalesce(archived_at, now())`
              : sql`null`
        },
        updated_at = now()
      where id = ${id}`);
    if (params.position !== undefined) {
      const order = all.map((d) => d.id).filter((d) => d !== id);
      order.splice(Math.min(params.position, order.length), 0, id);
      await tx.execute(sql`
        update contact_attribute_definitions d set position = o.ord - 1
        from unnest(${pgTextArray(order)}::uuid[]) with ordinality as o(id, ord)
        where d.id = o.id and d.position <> o.ord - 1`);
    }
    const [row] = await tx.execute<DefinitionRow>(
      sql`select ${COLUMNS} from contact_attribute_definitions where id = ${id}`,
    );
    await emitAudit(tx, ctx.actor, {
      action:
        params.archived === true && !current.archived
          ? "contact_attribute.archived"
          : params.archived === false && current.archived
            ? "contact_attribute.restored"
            : "contact_attribute.updated",
      entityType: "contact_attribute",
      entityId: id,
      data: { key: current.key, ...params },
    });
    return toDto(row!);
  });
}

/** DELETE archives: the definition leaves the panel and the CSV, its values stay on the contacts. */
export async function archiveAttribute({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  return updateAttribute({ ctx, input: { id: input.id, archived: true } });
}

/**
 * Sets or clears values on one contact (null or "" clears; keys left out are untouched). Every value is
 * checked against its definition: a bad one is a 422 naming `attributes.<key>`. Audited with before/after.
 */
export async function setContactAttributes({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string } & z.input<typeof setAttributesInput>;
}): Promise<{ id: string; attributes: Record<string, unknown> }> {
  assertCan(ctx.actor, "conversations:reply");
  const { id, ...body } = input;
  const { attributes } = parseInput(setAttributesInput, body);
  const definitions = await listAttributes({ ctx, input: { include_archived: "true" } });
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const set: Record<string, AttributeValue> = {};
  const cleared: string[] = [];
  for (const [key, raw] of Object.entries(attributes)) {
    const field = `attributes.${key}`;
    const def = byKey.get(key);
    if (!def) throw new ValidationError(`${field} is not a contact attribute`, { field });
    if (def.archived) throw new ValidationError(`${field} is archived`, { field });
    const value = parseAttributeValue(def, raw, "json");
    if (!value.ok) throw new ValidationError(`${field} ${value.message}`, { field });
    if (value.value === null) cleared.push(key);
    else set[key] = value.value;
  }
  const result = await withTransaction(ctx, async (tx) => {
    // Whoever may reply in one of the contact's conversations may edit it.
    const { conversationIds } = await assertContactAccess(tx, ctx, id, "conversations:reply");
    const [before] = await tx.execute<{ attributes: Record<string, unknown> }>(
      sql`select attributes from contacts where id = ${id} for update`,
    );
    const [after] = await tx.execute<{ attributes: Record<string, unknown> }>(sql`
      update contacts set attributes = (attributes || ${JSON.stringify(set)}::jsonb) - ${pgTextArray(cleared)}::text[],
        updated_at = now()
      where id = ${id} returning attributes`);
    const changes = Object.fromEntries(
      [...Object.keys(set), ...cleared]
        .filter(
          (k) =>
            JSON.stringify(before?.attributes[k] ?? null) !== JSON.stringify(after?.attributes[k] ?? null),
        )
        .map((k) => [k, { from: before?.attributes[k] ?? null, to: after?.attributes[k] ?? null }]),
    );
    const touches: ConversationTouch[] = [];
    if (Object.keys(changes).length > 0) {
      await emitAudit(tx, ctx.actor, {
        action: "contact.attributes_updated",
        entityType: "contact",
        entityId: id,
        data: { changes },
      });
      // A nudge on each of the contact's threads: open contact panels refetch (they live under the thread).
      for (const conversationId of conversationIds) {
        const touch = await touchConversation(tx, conversationId);
        if (touch) touches.push(touch);
      }
    }
    return { id, attributes: after?.attributes ?? {}, touches };
  });
  for (const touch of result.touches) await publishConversationChanged({ ...touch, reason: "change" });
  return { id: result.id, attributes: result.attributes };
}

type DefinitionRow = Omit<AttributeDefinitionDto, "created_at" | "options"> & {
  options: string[] | string;
  created_at: string | Date;
};

function toDto(r: DefinitionRow): AttributeDefinitionDto {
  return {
    id: r.id,
    key: r.key,
    label: r.label,
    type: r.type,
    options: Array.isArray(r.options) ? r.options : parsePgArray(r.options),
    position: r.position,
    archived: r.archived,
    created_at: new Date(r.created_at).toISOString(),
  };
}

/** A condition on one attribute, as a segment or a list filter states it (values not yet checked). */
export type AttributeFilter = { key: string; op: AttributeOp; value?: unknown };
/** A checked condition: its value typed by the definition (number as number, date as YYYY-MM-DD). */
export type TypedAttributeFilter = {
  key: string;
  type: AttributeDefinitionDto["type"];
  op: AttributeOp;
  values: AttributeValue[];
};

/**
 * Checks filters against the active definitions: the key names one, the operator fits its type and the value
 * parses as that type (`text` converts query-string values). A failure is a 422 naming `field(i, part)`.
 */
export async function checkAttributeFilters(
  db: DbOrTx,
  filters: readonly AttributeFilter[],
  options: {
    from: "json" | "text";
    field: (index: number, part: "key" | "op" | "value") => string;
    // A running campaign keeps filtering on an attribute archived after it was created (values stay).
    allowArchived?: boolean;
  },
): Promise<TypedAttributeFilter[]> {
  const { from, field } = options;
  if (filters.length === 0) return [];
  const rows = await db.execute<DefinitionRow>(sql`
    select ${COLUMNS} from contact_attribute_definitions
    where key = any(${pgTextArray(filters.map((f) => f.key))}::text[])`);
  const byKey = new Map(rows.map((r) => [r.key, toDto(r)]));
  return filters.map((filter, i) => {
    const fail = (part: "key" | "op" | "value", message: string) => {
      const name = field(i, part);
      return new ValidationError(`${name} ${message}`, { field: name });
    };
    const def = byKey.get(filter.key);
    if (!def) throw fail("key", "is not a contact attribute");
    if (def.archived && !options.allowArchived) throw fail("key", "is archived");
    if (!ATTRIBUTE_OPS_BY_TYPE[def.type].includes(filter.op))
      throw fail(
        "op",
        `must be one of ${ATTRIBUTE_OPS_BY_TYPE[def.type].join(", ")} for a ${def.type} attribute`,
      );
    if (filter.op === "is_set" || filter.op === "not_set") {
      if (filter.value !== undefined && filter.value !== null) throw fail("value", "must be left out");
      return { key: def.key, type: def.type, op: filter.op, values: [] };
    }
    const raws = filter.op === "in" ? filter.value : [filter.value];
    if (!Array.isArray(raws) || raws.length === 0) throw fail("value", "must be a list of values");
    const values = raws.map((raw) => {
      const parsed = parseAttributeValue(def, raw, from);
      if (!parsed.ok) throw fail("value", parsed.message);
      if (parsed.value === null) throw fail("value", "is required");
      return parsed.value;
    });
    return { key: def.key, type: def.type, op: filter.op, values };
  });
}

/**
 * The SQL conditions for checked filters on `column` (a contacts.attributes reference). Equality is
 * containment (`@>`, served by the jsonb_path_ops GIN index); neq also matches contacts without a value;
 * gt/lt compare as numeric or date, never as text.
 */
export function attributeFilterSql(column: SQL, filters: readonly TypedAttributeFilter[]): SQL[] {
  return filters.map((f) => {
    const contains = (v: AttributeValue) => sql`${column} @> ${JSON.stringify({ [f.key]: v })}::jsonb`;
    switch (f.op) {
      case "eq":
        return contains(f.values[0]!);
      case "neq":
        return sql`not (${contains(f.values[0]!)})`;
      case "in":
        return sql`(${sql.join(f.values.map(contains), sql` or `)})`;
      case "is_set":
        return sql`${column} ? ${f.key}::text`;
      case "not_set":
        return sql`not (${column} ? ${f.key}::text)`;
      case "gt":
      case "lt": {
        const cmp = f.op === "gt" ? sql`>` : sql`<`;
        // The case guards the cast: a stray value of another shape is no match rather than an error.
        return f.type === "number"
          ? sql`(case when jsonb_typeof(${column} -> ${f.key}::text) = 'number'
                 then (${column} ->> ${f.key}::text)::numeric end) ${cmp} ${f.values[0]}::numeric`
          : sql`(case when (${column} ->> ${f.key}::text) ~ '^\d{4}-\d{2}-\d{2}$'
                 then (${column} ->> ${f.key}::text)::date end) ${cmp} ${f.values[0]}::date`;
      }
    }
  });
}

// postgres.js returns text[] as an array when it knows the type; raw execute may hand back the literal.
function parsePgArray(literal: string): string[] {
  const inner = literal.replace(/^\{|\}$/g, "");
  if (!inner) return [];
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (const m of inner.matchAll(re)) out.push(m[1] !== undefined ? m[1].replaceAll(/\\(.)/g, "$1") : m[2]!);
  return out;
}
