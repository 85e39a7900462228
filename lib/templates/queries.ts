import { and, eq, ilike, ne, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { templates } from "@/lib/db/schema";
import { templateVariables, type TemplateComponent, type TemplateDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

export type TemplateRow = typeof templates.$inferSelect;
export type TemplateValues = Omit<typeof templates.$inferInsert, "id" | "updatedAt">;

type ListCursor = { name: string; language: string; id: string };

/** Alphabetical keyset pages on (name, language, id): stable while webhooks change statuses. */
export async function selectTemplates(
  db: DbOrTx,
  params: {
    wabaId?: string;
    status?: string;
    category?: string;
    q?: string;
    cursor?: ListCursor;
    limit: number;
  },
): Promise<{ data: TemplateDto[]; next_cursor: string | null }> {
  const name = sql`coalesce(${templates.name}, '')`;
  const language = sql`coalesce(${templates.language}, '')`;
  const filters: (SQL | undefined)[] = [];
  if (params.wabaId) filters.push(eq(templates.wabaId, params.wabaId));
  // Deleted templates stay as history but only show when asked for.
  filters.push(
    params.status
      ? eq(templates.status, params.status)
      : ne(sql`coalesce(${templates.status}, '')`, "DELETED"),
  );
  if (params.category) filters.push(eq(templates.category, params.category));
  if (params.q) filters.push(ilike(templates.name, `%${params.q.replace(/[\\%_]/g, "\\$&")}%`));
  if (params.cursor) {
    const c = params.cursor;
    filters.push(sql`(${name}, ${language}, ${templates.id}) > (${c.name}, ${c.language}, ${c.id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(templates)
    .where(and(...filters))
    .orderBy(name, language, templates.id)
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = rows.length > params.limit ? page[page.length - 1] : undefined;
  return {
    data: page.map(toTemplateDto),
    next_cursor: last
      ? encodeListCursor({ name: last.name ?? "", language: last.language ?? "", id: last.id })
      : null,
  };
}

export async function selectTemplate(db: DbOrTx, id: string): Promise<TemplateRow | undefined> {
  const [row] = await db.select().from(templates).where(eq(templates.id, id)).limit(1);
  return row;
}

export async function selectTemplatesOfWaba(db: DbOrTx, wabaId: string): Promise<TemplateRow[]> {
  return db.select().from(templates).where(eq(templates.wabaId, wabaId));
}

export function toTemplateDto(row: TemplateRow): TemplateDto {
  const components = Array.isArray(row.components) ? (row.components as TemplateComponent[]) : [];
  return {
    id: row.id,
    waba_id: row.wabaId,
    template_id: row.templateId,
    name: row.name,
    language: row.language,
    status: row.status,
    category: row.category,
    quality: row.quality,
    reason: row.reason,
    parameter_format: parameterFormatOf(components),
    components,
    updated_at: row.updatedAt.toISOString(),
  };
}

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeListCursor(value: string): ListCursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (
      parsed &&
      typeof parsed === "object" &&
      "name" in parsed &&
      "language" in parsed &&
      "id" in parsed &&
      typeof parsed.name === "string" &&
      typeof parsed.language === "string" &&
      typeof parsed.id === "string" &&
      isUuid(parsed.id)
    )
      return { name: parsed.name, language: parsed.language, id: parsed.id };
  } catch {
    // fall through: a malformed cursor is a validation error for the caller
  }
  return undefined;
}

/** Any non-numeric variable means the template was created with named parameters. */
function parameterFormatOf(components: TemplateComponent[]): "POSITIONAL" | "NAMED" {
  const vars = components.flatMap((c) => templateVariables(typeof c.text === "string" ? c.text : ""));
  return vars.some((v) => !/^\d+$/.test(v)) ? "NAMED" : "POSITIONAL";
}

/**
 * Messages sent with each of these templates (failed sends excluded). Runs on messages_template_idx
 * (partial, template sends only, keyed by our template id), so it reads only those templates' sends.
 */
export async function countTemplateUsage(db: DbOrTx, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.execute<{ template_id: string; n: string }>(sql`
    select content->>'template_id' as template_id, count(*) as n
    from messages
    where type = 'template'
      and content->>'template_id' in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})
      and status is distinct from 'failed'
    group by 1`);
  return new Map(rows.map((r) => [r.template_id, Number(r.n)]));
}
