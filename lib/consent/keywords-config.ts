import { sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
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
    byWord.set(k.keyword, {
      ...k,
      language: k.language ?? null,
      enabled: true,
      builtin: true,
      customized: false,
    });
  for (const k of overrides)
    byWord.set(k.keyword, {
      ...k,
      language: k.language ?? null,
      builtin: byWord.get(k.keyword)?.builtin ?? false,
      customized: true,
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

/**
 * Deletes an admin row: an added keyword stops matching; a built-in one goes back to its default (on, its
 * own meaning). A built-in keyword without a row has nothing to delete: it can only be switched off.
 */
export async function deleteConsentKeyword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { keyword: string };
}): Promise<{ data: ConsentKeywordDto[] }> {
  assertCan(ctx.actor, "campaigns:manage");
  const keyword = foldKeyword(String(input.keyword ?? ""));
  if (!keyword || keyword.length > MAX_KEYWORD_LENGTH)
    throw new ValidationError("keyword must be a short word or phrase", { field: "keyword" });
  const builtin = DEFAULT_CONSENT_KEYWORDS.some((k) => k.keyword === keyword);
  await withTransaction(ctx, async (tx) => {
    const [row] = await tx.execute<{ state: string; enabled: boolean }>(sql`
      delete from consent_keywords where keyword = ${keyword} returning state, enabled`);
    if (!row) {
      if (builtin)
        throw new ConflictError(`"${keyword}" is a built-in keyword: switch it off instead of deleting it`);
      throw new NotFoundError("Consent keyword");
    }
    await emitAudit(tx, ctx.actor, {
      action: builtin ? "consent.keyword_restored" : "consent.keyword_deleted",
      entityType: "consent_keyword",
      entityId: keyword,
      data: { state: row.state, enabled: row.enabled },
    });
  });
  forgetKeywordOverrides();
  return listConsentKeywords({ ctx });
}
