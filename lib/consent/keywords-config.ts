import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { forgetKeywordOverrides, loadKeywordOverrides } from "./keyword-overrides";
import { DEFAULT_CONSENT_KEYWORDS, foldKeyword, MAX_KEYWORD_LENGTH } from "./keywords";
import { consentKeywordInput, type ConsentKeywordDto, type ConsentKeywordInput } from "./schemas";

/** The keywords in force: built-in defaults with admin rows laid over them. */
export async function listConsentKeywords({ ctx }: { ctx: Ctx }): Promise<{ data: ConsentKeywordDto[] }> {
  assertCan(ctx.actor, "campaigns:manage");
  forgetKeywordOverrides();
  const overrides = await loadKeywordOverrides(dbOf(ctx));
  const byWord = new Map<string, ConsentKeywordDto>();
  for (const k of DEFAULT_CONSENT_KEYWORDS)
    byWord.set(k.keyword, { ...k, language: k.language ?? null, enabled: true, builtin: true });
  for (const k of overrides)
    byWord.set(k.keyword, {
      ...k,
      language: k.language ?? null,
      builtin: byWord.get(k.keyword)?.builtin ?? false,
    });
  return { data: [...byWord.values()].sort((a, b) => a.keyword.localeCompare(b.keyword)) };
}

/** Adds a keyword, or switches one (a default included) on or off. Marketing is the only keyword category. */
export async function setConsentKeyword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ConsentKeywordInput;
}): Promise<{ data: ConsentKeywordDto[] }> {
  assertCan(ctx.actor, "campaigns:manage");
  const data = consentKeywordInput.parse(input);
  const keyword = foldKeyword(data.keyword);
  if (!keyword || keyword.length > MAX_KEYWORD_LENGTH)
    throw new ValidationError("keyword must be a short word or phrase", { field: "keyword" });
  await withTransaction(ctx, async (tx) => {
    await tx.execute(sql`
      insert into consent_keywords (keyword, state, category, enabled, language, created_by)
      values (${keyword}, ${data.state}::consent_state, 'marketing', ${data.enabled}, ${data.language ?? null},
              ${ctx.actor.type === "user" ? ctx.actor.id : ctx.actor.name})
      on conflict (keyword) do update set state = excluded.state, enabled = excluded.enabled,
        language = coalesce(excluded.language, consent_keywords.language)`);
    await emitAudit(tx, ctx.actor, {
      action: "consent.keyword_set",
      entityType: "consent_keyword",
      entityId: keyword,
      data: { state: data.state, enabled: data.enabled },
    });
  });
  forgetKeywordOverrides();
  return listConsentKeywords({ ctx });
}
