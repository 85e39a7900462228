import { sql } from "drizzle-orm";
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
  await tx.execute(sql`
    insert into templates (waba_id, template_id, name, language, status, category, quality, reason, updated_at)
    values (${event.wabaId}, ${event.templateId}, ${event.name}, ${event.language}, ${status}, ${category}, ${quality}, ${reason}, now())
    on conflict (waba_id, template_id) do update set
      name = coalesce(excluded.name, templates.name),
      language = coalesce(excluded.language, templates.language),
      status = coalesce(excluded.status, templates.status),
      category = coalesce(excluded.category, templates.category),
      quality = coalesce(excluded.quality, templates.quality),
      reason = case when excluded.status is not null then excluded.reason else templates.reason end,
      updated_at = now()`);
}
