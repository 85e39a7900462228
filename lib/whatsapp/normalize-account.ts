import type { AccountUpdated, TemplateUpdated } from "./events";
import {
  accountUpdateValue,
  templateCategoryValue,
  templateQualityValue,
  templateStatusValue,
} from "./payloads";
import { describe, toPhone } from "./normalize-shared";

// WABA-level fields without `metadata` (§1.4): routed on entry[].id, timed by entry[].time (else the
// epoch, see Scope.fallbackTime). `account_update` (§5.5) and the three template webhooks (§10).

/** What a WABA-level field's value turns into: one event, or a failure reason for the value. */
export type WabaResult = AccountUpdated | TemplateUpdated | string;

export type WabaContext = { wabaId: string; timestamp: Date };

export function accountUpdate(value: unknown, ctx: WabaContext): WabaResult {
  const parsed = accountUpdateValue.safeParse(value);
  if (!parsed.success) return describe(parsed.error);
  const v = parsed.data;
  return {
    kind: "account.updated",
    wabaId: ctx.wabaId,
    phoneNumber: toPhone(v.phone_number) ?? null,
    event: v.event,
    reason: v.disconnection_info?.reason ?? null,
    initiatedBy: v.disconnection_info?.initiated_by ?? null,
    timestamp: ctx.timestamp,
    raw: value,
  };
}

export function templateStatusUpdate(value: unknown, ctx: WabaContext): WabaResult {
  const parsed = templateStatusValue.safeParse(value);
  if (!parsed.success) return describe(parsed.error);
  const v = parsed.data;
  // "NONE" is Meta's way of saying there is no reason.
  const reason = [v.reason, v.rejection_info?.reason].find((r) => r && r !== "NONE") ?? null;
  return template(v, ctx, {
    type: "status",
    event: v.event,
    reason,
    category: v.message_template_category ?? null,
  });
}

export function templateCategoryUpdate(value: unknown, ctx: WabaContext): WabaResult {
  const parsed = templateCategoryValue.safeParse(value);
  if (!parsed.success) return describe(parsed.error);
  const v = parsed.data;
  return template(v, ctx, {
    type: "category",
    previous: v.previous_category ?? null,
    next: v.new_category ?? null,
    correct: v.correct_category ?? null,
  });
}

export function templateQualityUpdate(value: unknown, ctx: WabaContext): WabaResult {
  const parsed = templateQualityValue.safeParse(value);
  if (!parsed.success) return describe(parsed.error);
  const v = parsed.data;
  return template(v, ctx, {
    type: "quality",
    previous: v.previous_quality_score ?? null,
    next: v.new_quality_score,
  });
}

function template(
  v: { message_template_id: string; message_template_name?: string; message_template_language?: string },
  ctx: WabaContext,
  change: TemplateUpdated["change"],
): TemplateUpdated {
  return {
    kind: "template.updated",
    wabaId: ctx.wabaId,
    // Webhooks send an integer, REST a string (§1.4): the string form is the key.
    templateId: v.message_template_id,
    name: v.message_template_name ?? null,
    language: normalizeLanguage(v.message_template_language),
    change,
    timestamp: ctx.timestamp,
  };
}

/** Meta's REST form (§10): `en-US` → `en_US`, `pt-br` → `pt_BR`, `en` stays. */
export function normalizeLanguage(raw: string | undefined): string | null {
  const code = raw?.trim().replace(/-/g, "_");
  if (!code) return null;
  const match = /^([A-Za-z]{2,3})_([A-Za-z0-9]+)$/.exec(code);
  return match ? `${match[1]!.toLowerCase()}_${match[2]!.toUpperCase()}` : code;
}
