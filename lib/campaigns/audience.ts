import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/client";
import { selectEffectiveConsents } from "@/lib/consent";
import { attributeFilterSql, checkAttributeFilters, type TypedAttributeFilter } from "@/lib/contacts";
import { personalizeAll, skipReasonFor, consentCategoryOf } from "./personalize";
import { countryOf } from "./pricing";
import { selectSegmentPage, type Candidate } from "./queries";
import type { CampaignSegment, SkipReason } from "./schemas";

export type Classified = Candidate & { skip: SkipReason | null; country: string | null; windowOpen: boolean };

const PAGE = 1_000;

/** The segment's attribute conditions against the active definitions: 422 naming `segment.attributes.<i>.<part>`. */
export async function checkSegmentAttributes(db: DbOrTx, segment: CampaignSegment): Promise<void> {
  await checkAttributeFilters(db, segment.attributes ?? [], {
    from: "json",
    field: (i, part) => `segment.attributes.${i}.${part}`,
  });
}

/** Keeps the page's contacts that meet every attribute condition (one query per page). */
async function filterByAttributes(
  db: DbOrTx,
  page: Candidate[],
  filters: TypedAttributeFilter[],
): Promise<Candidate[]> {
  if (filters.length === 0 || page.length === 0) return page;
  const ids = `{${page.map((c) => c.contact_id).join(",")}}`;
  const rows = await db.execute<{ id: string }>(sql`
    select ct.id from contacts ct
    where ct.id = any(${ids}::uuid[]) and ${sql.join(attributeFilterSql(sql`ct.attributes`, filters), sql` and `)}`);
  const keep = new Set(rows.map((r) => r.id));
  return page.filter((c) => keep.has(c.contact_id));
}

/**
 * Walks the segment a page at a time and decides for each contact whether it may receive the template
 * (consent as recorded now; re-checked when its message is queued) and what it would cost.
 */
export async function classifySegment(
  db: DbOrTx,
  input: {
    numberId: string;
    wabaId: string;
    segment: CampaignSegment;
    templateCategory: string | null;
    variables?: Record<string, string>;
  },
  onPage: (rows: Classified[]) => Promise<void>,
): Promise<void> {
  const category = consentCategoryOf(input.templateCategory);
  const filters = await checkAttributeFilters(db, input.segment.attributes ?? [], {
    from: "json",
    field: (i, part) => `segment.attributes.${i}.${part}`,
    allowArchived: true,
  });
  let after: string | undefined;
  for (;;) {
    // Pages are cut before the attribute filter, so the cursor and the end test use the unfiltered page.
    const unfiltered = await selectSegmentPage(db, { ...input, after, limit: PAGE });
    if (unfiltered.length === 0) return;
    const page = await filterByAttributes(db, unfiltered, filters);
    if (page.length > 0) await onPage(await classifyPage(db, page, input, category));
    if (unfiltered.length < PAGE) return;
    after = unfiltered[unfiltered.length - 1]!.contact_id;
  }
}

async function classifyPage(
  db: DbOrTx,
  page: Candidate[],
  input: { templateCategory: string | null; variables?: Record<string, string> },
  category: ReturnType<typeof consentCategoryOf>,
): Promise<Classified[]> {
  const consents = await selectEffectiveConsents(
    db,
    page.map((c) => c.contact_id),
    category,
  );
  const now = Date.now();
  return page.map((candidate) => {
    const skip =
      skipReasonFor({
        category: input.templateCategory,
        consent: consents.get(candidate.contact_id)?.state ?? null,
        hasAddress: Boolean(candidate.phone || candidate.bsuid),
      }) ?? (input.variables && !personalizeAll(input.variables, candidate) ? "missing_variable" : null);
    return {
      ...candidate,
      skip,
      country: countryOf(candidate),
      windowOpen:
        candidate.window_expires_at !== null && new Date(candidate.window_expires_at).getTime() > now,
    };
  });
}
