import { sql } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";
import type { TemplateUpdated } from "@/lib/whatsapp/events";

/** Template status, category and quality webhooks (PROTOCOL.md §10) keep the local copy current. */
export async function applyTemplateUpdate(tx: Tx, event: TemplateUpdated): Promise<void> {
  const change = event.change;
  const status = change.type === "status" ? change.event : null;
  const reason = change.type === "status" ? change.reason : null;
  const category =
    change.type === "status"
      ? change.category
      : change.type === "category"
        ? (change.next ?? change.correct)
        : null;
  const quality = change.type === "quality" ? change.next : null;
  type Values = { status: string | null; category: string | null; quality: string | null };
  const [row] = await tx.execute<Values & { id: string; before: Values | null }>(sql`
    with before as (
      select status, category, quality from templates
      where waba_id = ${event.wabaId} and template_id = ${event.templateId})
    insert into templates (waba_id, template_id, name, language, status, category, quality, reason, updated_at)
    values (${event.wabaId}, ${event.templateId}, ${event.name}, ${event.language}, ${status}, ${category}, ${quality}, ${reason}, now())
    on conflict (waba_id, template_id) do update set
      name = coalesce(excluded.name, templates.name),
      language = coalesce(excluded.language, templates.language),
      status = coalesce(excluded.status, templates.status),
      category = coalesce(excluded.category, templates.category),
      quality = coalesce(excluded.quality, templates.quality),
      reason = case when excluded.status is not null then excluded.reason else templates.reason end,
      updated_at = now()
    returning id, status, category, quality, (select row_to_json(before) from before) as before`);
  // Audited only when Meta's word changed something: webhook replays are no-ops.
  const before = row?.before;
  if (row && (!before || (["status", "category", "quality"] as const).some((k) => before[k] !== row[k])))
    await emitAudit(tx, systemActor("ingest"), {
      action: `template.${change.type}_changed`,
      entityType: "template",
      entityId: row.id,
      data: {
        name: event.name,
        before: before ?? null,
        after: { status: row.status, category: row.category, quality: row.quality },
        reason,
      },
    });
}
