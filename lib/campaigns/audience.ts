import type { DbOrTx } from "@/lib/db/client";
import { selectEffectiveConsents } from "@/lib/consent";
import { checkAttributeFilters } from "@/lib/contacts";
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
  const attributes = await checkAttributeFilters(db, input.segment.attributes ?? [], {
    from: "json",
    field: (i, part) => `segment.attributes.${i}.${part}`,
    allowArchived: true,
  });
  let after: string | undefined;
  for (;;) {
    const page = await selectSegmentPage(db, { ...input, attributes, after, limit: PAGE });
    if (page.length === 0) return;
    await onPage(await classifyPage(db, page, input, category));
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.contact_id;
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
