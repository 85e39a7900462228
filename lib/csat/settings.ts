import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { getSetting, writeSetting } from "@/lib/settings";
import {
  csatSettingsInput,
  type CsatSettings,
  type CsatSettingsDto,
  type CsatSettingsInput,
  type CsatTemplateOption,
} from "./schemas";

/** The survey's settings and the approved templates it may use outside the window (settings:manage). */
export async function getCsatSettings({ ctx }: { ctx: Ctx }): Promise<CsatSettingsDto> {
  assertCan(ctx.actor, "settings:manage");
  const db = dbOf(ctx);
  return { ...(await readSettings(db)), templates: await approvedTemplates(db) };
}

/**
 * Saves the survey's settings; each changed key is written (and audited) by writeSetting, all in one
 * transaction. The out-of-window template must be approved and carry quick replies for the answers.
 */
export async function setCsatSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CsatSettingsInput;
}): Promise<CsatSettingsDto> {
  assertCan(ctx.actor, "settings:manage");
  const next = csatSettingsInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const inner = { ...ctx, db: tx };
    if (next.template_id) {
      const option = (await approvedTemplates(tx)).find((t) => t.id === next.template_id);
      if (!option)
        throw new ValidationError("template_id must be an approved template", { field: "template_id" });
      if (option.quick_replies === 0)
        throw new ValidationError("template_id must have quick-reply buttons for the answers", {
          field: "template_id",
        });
    }
    const current = await readSettings(tx);
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    if (!same(current.enabled, next.enabled))
      await writeSetting(inner, { key: "csat.enabled", value: next.enabled });
    if (!same(current.question, next.question))
      await writeSetting(inner, { key: "csat.question", value: next.question });
    if (!same(current.button_labels, next.button_labels))
      await writeSetting(inner, { key: "csat.button_labels", value: next.button_labels });
    if (!same(current.template_id, next.template_id))
      await writeSetting(inner, { key: "csat.template_id", value: next.template_id });
    return { ...(await readSettings(tx)), templates: await approvedTemplates(tx) };
  });
}

async function readSettings(db: DbOrTx): Promise<CsatSettings> {
  return {
    enabled: await getSetting(db, "csat.enabled"),
    question: await getSetting(db, "csat.question"),
    button_labels: await getSetting(db, "csat.button_labels"),
    template_id: await getSetting(db, "csat.template_id"),
  };
}

async function approvedTemplates(db: DbOrTx): Promise<CsatTemplateOption[]> {
  const rows = await db.execute<{
    id: string;
    name: string | null;
    language: string | null;
    waba_id: string;
    components: unknown;
  }>(sql`
    select id, name, language, waba_id, components from templates
    where upper(status) = 'APPROVED' order by name, language`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name ?? r.id,
    language: r.language,
    waba_id: r.waba_id,
    quick_replies: quickReplyCount(r.components),
  }));
}

function quickReplyCount(components: unknown): number {
  const list = Array.isArray(components) ? (components as Record<string, unknown>[]) : [];
  const buttons = list.find((c) => String(c.type).toUpperCase() === "BUTTONS")?.buttons;
  return (Array.isArray(buttons) ? (buttons as Record<string, unknown>[]) : []).filter(
    (b) => String(b.type).toUpperCase() === "QUICK_REPLY",
  ).length;
}
