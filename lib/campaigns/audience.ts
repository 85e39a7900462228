import type { DbOrTx } from "@/lib/db/client";
import { selectEffectiveConsents } from "@/lib/consent";
import { personalizeAll, skipReasonFor, consentCategoryOf } from "./personalize";
import { countryOf } from "./pricing";
import { selectSegmentPage, type Candidate } from "./queries";
import type { CampaignSegment, SkipReason } from "./schemas";

export type Classified = Candidate & { skip: SkipReason | null; country: string | null; windowOpen: boolean };

const PAGE = 1_000;

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
  let after: string | undefined;
  for (;;) {
    const page = await selectSegmentPage(db, { ...input, after, limit: PAGE });
    if (page.length === 0) return;
    const consents = await selectEffectiveConsents(
      db,
      page.map((c) => c.contact_id),
      category,
    );
    const now = Date.now();
    await onPage(
      page.map((candidate) => {
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
      }),
    );
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.contact_id;
  }
}
