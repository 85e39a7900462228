import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { templates } from "@/lib/db/schema";
import { UpstreamError } from "@/lib/errors";
import { listNumbers } from "@/lib/numbers";
import { graphJson } from "@/lib/whatsapp/client";
import { normalizeLanguage } from "@/lib/whatsapp/normalize-account";
import { selectTemplatesOfWaba, type TemplateRow, type TemplateValues } from "./queries";
import { syncTemplatesInput, type SyncCounts, type SyncResult, type SyncTemplatesInput } from "./schemas";

const FIELDS = "name,status,category,language,components,rejected_reason,quality_score,parameter_format";
const PAGE_SIZE = 100;
// 6,000 templates is Meta's ceiling per WABA; more pages than this means a cursor that never ends.
const MAX_PAGES = 100;
const INSERT_BATCH = 500;

const graphTemplate = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  name: z.string().nullish(),
  language: z.string().nullish(),
  status: z.string().nullish(),
  category: z.string().nullish(),
  components: z.array(z.unknown()).nullish(),
  rejected_reason: z.string().nullish(),
  quality_score: z.looseObject({ score: z.string().nullish() }).nullish(),
});
const graphPage = z.looseObject({
  data: z.array(graphTemplate),
  paging: z
    .looseObject({
      cursors: z.looseObject({ after: z.string().nullish() }).nullish(),
      next: z.string().nullish(),
    })
    .nullish(),
});

/**
 * Pulls every template of one WABA (or of every WABA that has a number) from Graph and makes the local
 * copy match: new rows added, changed rows updated, rows Meta no longer has marked DELETED.
 */
export async function syncTemplates({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SyncTemplatesInput;
}): Promise<SyncResult> {
  assertCan(ctx.actor, "templates:manage");
  const { wabaId } = syncTemplatesInput.parse(input);
  const wabaIds = wabaId
    ? [wabaId]
    : [...new Set((await listNumbers(dbOf(ctx))).map((n) => n.wabaId))].sort();
  const result: SyncResult = { added: 0, updated: 0, removed: 0, wabas: [], failed: [] };
  for (const id of wabaIds) {
    let counts: Awaited<ReturnType<typeof syncWaba>>;
    try {
      counts = await syncWaba(ctx, id);
    } catch (error) {
      // Asked for one account, its error is the answer; syncing all, the others still sync.
      if (wabaId || !(error instanceof UpstreamError)) throw error;
      result.failed.push({ waba_id: id, error: error.message });
      continue;
    }
    result.added += counts.added;
    result.updated += counts.updated;
    result.removed += counts.removed;
    result.wabas.push({ waba_id: id, ...counts });
  }
  return result;
}

async function syncWaba(ctx: Ctx, wabaId: string): Promise<SyncCounts & { total: number }> {
  // Database time, taken before the first page: rows touched after it (a create or a webhook racing the
  // sync) may be missing from the pages we read, and must not be marked deleted.
  const started = await dbOf(ctx).execute<{ now: string }>(sql`select now()::text as now`);
  const startedAt = new Date(started[0]!.now);
  const fetched = await fetchAll(wabaId);
  return withTransaction(ctx, async (tx) => {
    // Two syncs of one WABA at once would race on the counts; let them queue instead.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`templates.sync:${wabaId}`}))`);
    const existing = new Map((await selectTemplatesOfWaba(tx, wabaId)).map((r) => [r.templateId, r]));
    const changed: TemplateValues[] = [];
    let added = 0;
    for (const values of fetched.values()) {
      const current = existing.get(values.templateId);
      if (!current) added++;
      else if (sameTemplate(current, values)) continue;
      changed.push(values);
    }
    for (let i = 0; i < changed.length; i += INSERT_BATCH) {
      await tx
        .insert(templates)
        .values(changed.slice(i, i + INSERT_BATCH))
        .onConflictDoUpdate({
          target: [templates.wabaId, templates.templateId],
          set: {
            name: sql`excluded.name`,
            language: sql`excluded.language`,
            status: sql`excluded.status`,
            category: sql`excluded.category`,
            quality: sql`excluded.quality`,
            reason: sql`excluded.reason`,
            components: sql`excluded.components`,
            updatedAt: sql`now()`,
          },
        });
    }
    const gone = [...existing.values()]
      .filter((r) => !fetched.has(r.templateId) && r.status !== "DELETED" && r.updatedAt < startedAt)
      .map((r) => r.templateId);
    if (gone.length > 0) {
      await tx
        .update(templates)
        .set({ status: "DELETED", updatedAt: new Date() })
        .where(and(eq(templates.wabaId, wabaId), inArray(templates.templateId, gone)));
    }
    const counts = { added, updated: changed.length - added, removed: gone.length };
    if (changed.length > 0 || gone.length > 0) {
      await emitAudit(tx, ctx.actor, {
        action: "templates.synced",
        entityType: "waba",
        entityId: wabaId,
        data: counts,
      });
    }
    return { ...counts, total: fetched.size };
  });
}

/** Every page of GET /{waba}/message_templates, following `paging.cursors.after` while `paging.next` is set. */
async function fetchAll(wabaId: string): Promise<Map<string, TemplateValues>> {
  const out = new Map<string, TemplateValues>();
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = graphPage.parse(
      await graphJson(`${encodeURIComponent(wabaId)}/message_templates`, {
        query: { fields: FIELDS, limit: PAGE_SIZE, after },
      }),
    );
    for (const t of body.data) out.set(t.id, toValues(wabaId, t));
    const next = body.paging?.next ? (body.paging.cursors?.after ?? undefined) : undefined;
    if (!next || next === after || body.data.length === 0) return out;
    after = next;
  }
  return out;
}

function toValues(wabaId: string, t: z.infer<typeof graphTemplate>): TemplateValues {
  const reason = t.rejected_reason && t.rejected_reason !== "NONE" ? t.rejected_reason : null;
  return {
    wabaId,
    templateId: t.id,
    name: t.name ?? null,
    language: normalizeLanguage(t.language ?? undefined),
    status: t.status ?? null,
    category: t.category ?? null,
    quality: t.quality_score?.score ?? null,
    reason,
    components: t.components ?? [],
  };
}

function sameTemplate(row: TemplateRow, values: TemplateValues): boolean {
  return (
    row.name === values.name &&
    row.language === values.language &&
    row.status === values.status &&
    row.category === values.category &&
    row.quality === values.quality &&
    row.reason === values.reason &&
    // jsonb reorders object keys, so compare canonical forms.
    canonicalJson(row.components) === canonicalJson(values.components)
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
