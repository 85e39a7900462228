import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { csvRow } from "@/lib/utils/csv";
import { parseAttributeValue, type AttributeValue } from "./schemas";
import { listAttributes } from "./attributes";
import { phoneVariants } from "./phone-variants";
import { isUuid } from "@/lib/utils/ids";

const EXPORT_BATCH = 1_000;
const HEADER = [
  "id",
  "name",
  "phone",
  "username",
  "bsuid",
  "address_book_name",
  "profile_name",
  "created_at",
];

// Custom attributes travel as one column each, `attr:<key>`, after the fixed ones (active definitions only).
const ATTR_PREFIX = "attr:";

/**
 * The contact list of one WhatsApp Business account as CSV, streamed in keyset batches (no full table in
 * memory), formula-looking cells defused. Audited when it starts.
 */
export async function exportContacts({ ctx, input }: { ctx: Ctx; input: { numberId: string } }) {
  assertCan(ctx.actor, "contacts:manage");
  const waba = await wabaOf(ctx, input.numberId);
  const keys = (await listAttributes({ ctx })).map((d) => d.key);
  await withTransaction(ctx, (tx) =>
    emitAudit(tx, ctx.actor, {
      action: "contacts.exported",
      entityType: "phone_number",
      entityId: input.numberId,
    }),
  );
  const db = dbOf(ctx);
  return (async function* rows() {
    yield csvRow([...HEADER, ...keys.map((k) => `${ATTR_PREFIX}${k}`)]);
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const batch = await db.execute<
        Record<string, string | null> & { id: string; attributes: Record<string, unknown> }
      >(sql`
        select id, coalesce(address_book_name, profile_name, username, phone, bsuid) as name, phone, username, bsuid,
          address_book_name, profile_name, created_at, attributes
        from contacts where waba_id = ${waba} and id > ${after}::uuid order by id limit ${EXPORT_BATCH}`);
      for (const row of batch)
        yield csvRow([
          row.id,
          row.name,
          row.phone,
          row.username,
          row.bsuid,
          row.address_book_name,
          row.profile_name,
          row.created_at ? new Date(row.created_at).toISOString() : null,
          ...keys.map((k) => row.attributes[k] ?? null),
        ]);
      if (batch.length < EXPORT_BATCH) return;
      after = batch[batch.length - 1]!.id;
    }
  })();
}

const importRow = z.object({
  phone: z
    .string()
    .transform((v) => v.replace(/[\s()+-]/g, ""))
    .pipe(z.string().regex(/^\d{6,15}$/, "must be a phone number in international format")),
  name: z.string().trim().max(200).optional(),
});

export type ImportResult = { created: number; updated: number; errors: { line: number; message: string }[] };

/**
 * Imports contacts (columns `phone`, `name`, any `attr:<key>`) into a number's WhatsApp Business account: new
 * phones become contacts, known ones (any phone spelling) get the name as their address-book name and the
 * non-empty attribute cells as values. Bad lines are reported by number and skipped; the rest commit
 * together. Audited with the counts.
 */
export async function importContacts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string; csv: string };
}): Promise<ImportResult> {
  assertCan(ctx.actor, "contacts:manage");
  const waba = await wabaOf(ctx, input.numberId);
  const lines = parseCsv(input.csv);
  const header = (lines.shift() ?? []).map((h) => h.trim().toLowerCase());
  const phoneAt = header.indexOf("phone");
  if (phoneAt < 0) throw new ValidationError("csv needs a header row with a phone column", { field: "csv" });
  const nameAt = header.indexOf("name");
  const attrColumns = await attributeColumns(ctx, header);
  const result: ImportResult = { created: 0, updated: 0, errors: [] };
  await withTransaction(ctx, async (tx) => {
    for (const [index, cells] of lines.entries()) {
      if (cells.every((c) => c.trim() === "")) continue;
      const parsed = importRow.safeParse({
        phone: cells[phoneAt] ?? "",
        name: nameAt >= 0 ? cells[nameAt] : undefined,
      });
      if (!parsed.success) {
        result.errors.push({
          line: index + 2,
          message: `phone ${parsed.error.issues[0]?.message ?? "is invalid"}`,
        });
        continue;
      }
      const { phone, name } = parsed.data;
      const values: Record<string, AttributeValue> = {};
      let bad: string | null = null;
      for (const { at, def } of attrColumns) {
        const value = parseAttributeValue(def, cells[at] ?? "", "text");
        if (!value.ok) {
          bad = `${ATTR_PREFIX}${def.key} ${value.message}`;
          break;
        }
        // An empty cell leaves the value alone: a partial sheet must not wipe what agents entered.
        if (value.value !== null) values[def.key] = value.value;
      }
      if (bad) {
        result.errors.push({ line: index + 2, message: bad });
        continue;
      }
      const attributes = JSON.stringify(values);
      const [known] = await tx.execute<{ id: string }>(sql`
        select id from contacts where waba_id = ${waba} and phone = any(${`{${phoneVariants(phone).join(",")}}`}::text[]) limit 1`);
      if (known) {
        if (name || Object.keys(values).length > 0)
          await tx.execute(sql`
            update contacts set address_book_name = coalesce(${name ?? null}, address_book_name),
              attributes = attributes || ${attributes}::jsonb, updated_at = now()
            where id = ${known.id}`);
        result.updated += 1;
      } else {
        await tx.execute(
          sql`insert into contacts (waba_id, phone, address_book_name, attributes)
            values (${waba}, ${phone}, ${name ?? null}, ${attributes}::jsonb)`,
        );
        result.created += 1;
      }
    }
    await emitAudit(tx, ctx.actor, {
      action: "contacts.imported",
      entityType: "phone_number",
      entityId: input.numberId,
      data: { created: result.created, updated: result.updated, errors: result.errors.length },
    });
  });
  return result;
}

/** The `attr:<key>` columns of a header, each with its definition; an unknown or archived key is a 422. */
async function attributeColumns(ctx: Ctx, header: string[]) {
  const wanted = header.flatMap((h, at) =>
    h.startsWith(ATTR_PREFIX) ? [{ at, key: h.slice(ATTR_PREFIX.length) }] : [],
  );
  if (wanted.length === 0) return [];
  const defs = new Map((await listAttributes({ ctx })).map((d) => [d.key, d]));
  return wanted.map(({ at, key }) => {
    const def = defs.get(key);
    if (!def)
      throw new ValidationError(`csv column ${ATTR_PREFIX}${key} is not an active contact attribute`, {
        field: "csv",
      });
    return { at, def };
  });
}

async function wabaOf(ctx: Ctx, numberId: string): Promise<string> {
  if (!isUuid(numberId)) throw new NotFoundError("Number");
  const [row] = await dbOf(ctx).execute<{ waba_id: string }>(
    sql`select waba_id from phone_numbers where id = ${numberId}`,
  );
  if (!row) throw new NotFoundError("Number");
  return row.waba_id;
}

/** RFC 4180 CSV: quoted fields with "" escapes and newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
