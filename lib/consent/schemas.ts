import { z } from "zod";

// Client-safe: consent inputs and DTOs shared by the API, the UI and tests.

/** `all` is "nothing at all from this business": it also blocks utility and authentication templates. */
export const CONSENT_CATEGORIES = ["marketing", "utility", "authentication", "all"] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];
export const CONSENT_STATES = ["opt_in", "opt_out"] as const;
export type ConsentStateName = (typeof CONSENT_STATES)[number];
export const CONSENT_SOURCES = [
  "keyword",
  "meta_user_preferences",
  "agent",
  "import",
  "api",
  "campaign_reply",
] as const;
export type ConsentSourceName = (typeof CONSENT_SOURCES)[number];
/** Sources only the system records (webhooks); people and API clients use the others. */
export const SYSTEM_CONSENT_SOURCES: readonly ConsentSourceName[] = ["keyword", "meta_user_preferences"];

export const recordConsentInput = z.object({
  contactId: z.uuid(),
  category: z.enum(CONSENT_CATEGORIES).default("marketing"),
  state: z.enum(CONSENT_STATES),
  source: z.enum(["agent", "import", "api", "campaign_reply"]).optional(),
  reason: z.string().trim().max(500).optional(),
  /** When the customer gave or withdrew it, if earlier than now (imports). */
  at: z.iso.datetime({ offset: true }).optional(),
});
export type RecordConsentInput = z.input<typeof recordConsentInput>;

export const consentKeywordInput = z.object({
  keyword: z.string().trim().min(1, "is required").max(40),
  state: z.enum(CONSENT_STATES),
  enabled: z.boolean().default(true),
  language: z.string().trim().max(10).optional(),
});
export type ConsentKeywordInput = z.input<typeof consentKeywordInput>;

export type ConsentRecordDto = {
  category: string;
  state: ConsentStateName;
  source: ConsentSourceName;
  source_detail: string | null;
  reason: string | null;
  at: string;
  actor: { type: string; id: string | null };
};

export type ContactConsentDto = {
  contact_id: string;
  /** The current state per category (absent: nothing recorded). */
  current: ConsentRecordDto[];
  /** What the customer last told WhatsApp itself (user_preferences stop/resume), if anything. */
  meta_marketing_preference: string | null;
  /** Newest first. */
  history: ConsentRecordDto[];
};

export type ConsentKeywordDto = {
  keyword: string;
  state: ConsentStateName;
  category: string;
  enabled: boolean;
  language: string | null;
  builtin: boolean;
  /** An admin row exists: an added keyword, or a built-in one changed (delete restores the default). */
  customized: boolean;
};
