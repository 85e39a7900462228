import { z } from "zod";
import { ATTRIBUTE_OPS } from "@/lib/contacts/schemas";

// Client-safe: campaign inputs and DTOs shared by the API, the UI and tests.

export const CAMPAIGN_STATES = ["draft", "scheduled", "running", "paused", "completed", "cancelled"] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];
export const RECIPIENT_STATES = [
  "pending",
  "queued",
  "skipped",
  "sent",
  "delivered",
  "read",
  "failed",
  "replied",
] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
/** Why a contact in the segment gets nothing (recorded on its recipient row). */
export const SKIP_REASONS = [
  "no_opt_in",
  "opted_out",
  "no_recipient",
  "missing_variable",
  "cancelled",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Contact fields a variable may use as {{contact.<field>}} or {{contact.<field>|fallback}}. */
export const CONTACT_FIELDS = {
  name: "Name (address book, else profile)",
  first_name: "First name",
  phone: "Phone number",
  username: "WhatsApp username",
} as const;
export type ContactField = keyof typeof CONTACT_FIELDS;

/**
 * One condition on a custom contact attribute. The value's type is checked against the definition when the
 * campaign is estimated or created (checkSegmentAttributes in audience.ts), not here: this file has no DB.
 */
export const attributeCondition = z.strictObject({
  key: z.string().trim().min(1, "is empty").max(40),
  op: z.enum(ATTRIBUTE_OPS),
  value: z
    .union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(500)).min(1).max(100)])
    .optional(),
});
export type AttributeCondition = z.output<typeof attributeCondition>;

export const campaignSegment = z
  .strictObject({
    /**
     * number: everyone with a conversation on the number; team: those whose conversation is the team's;
     * label: those whose conversation carries the label; contacts: a list of contact ids.
     */
    source: z.enum(["number", "team", "label", "contacts"]).default("number"),
    team_id: z.uuid().optional(),
    label_id: z.uuid().optional(),
    contact_ids: z.array(z.uuid()).max(10_000).optional(),
    // Filters on top of the source (all must hold).
    last_inbound_within_days: z.coerce.number().int().min(1).max(3650).optional(),
    has_phone: z.boolean().optional(),
    /** Leaves out contacts whose conversation carries this label (e.g. "do not contact"). */
    exclude_label_id: z.uuid().optional(),
    /** Conditions on custom contact attributes, e.g. plan = Pro and seats > 10 (all must hold). */
    attributes: z.array(attributeCondition).max(20).optional(),
  })
  .superRefine((segment, ctx) => {
    if (segment.source === "team" && !segment.team_id)
      ctx.addIssue({ code: "custom", path: ["team_id"], message: "is required for a team segment" });
    if (segment.source === "label" && !segment.label_id)
      ctx.addIssue({ code: "custom", path: ["label_id"], message: "is required for a label segment" });
    if (segment.source === "contacts" && !segment.contact_ids?.length)
      ctx.addIssue({ code: "custom", path: ["contact_ids"], message: "lists no contacts" });
    if (segment.label_id && segment.source === "label" && segment.label_id === segment.exclude_label_id)
      ctx.addIssue({
        code: "custom",
        path: ["exclude_label_id"],
        message: "leaves out the label the segment is made of",
      });
  });
export type CampaignSegment = z.output<typeof campaignSegment>;

const httpsUrl = z.url({ protocol: /^https$/, error: "Must be a public https:// URL" });

export const campaignMessage = {
  number_id: z.uuid(),
  template_id: z.uuid(),
  /** Template variable → value; a value may use contact fields, e.g. "{{contact.first_name|there}}". */
  variables: z.record(z.string(), z.string().max(1024)).default({}),
  header: z
    .object({
      link: httpsUrl.optional(),
      text: z.string().max(60).optional(),
      filename: z.string().min(1).max(240).optional(),
    })
    .optional(),
  buttons: z
    .array(
      z.object({ index: z.int().min(0).max(9), payload: z.string().optional(), text: z.string().optional() }),
    )
    .max(10)
    .optional(),
};

export const createCampaignInput = z.object({
  name: z.string().trim().min(1, "is required").max(120),
  ...campaignMessage,
  segment: campaignSegment,
  scheduled_at: z.iso.datetime({ offset: true }).nullish(),
});
export type CreateCampaignInput = z.input<typeof createCampaignInput>;

export const estimateCampaignInput = z.object({
  number_id: z.uuid(),
  template_id: z.uuid(),
  segment: campaignSegment,
});
export type EstimateCampaignInput = z.input<typeof estimateCampaignInput>;

export const startCampaignInput = z.object({
  /** Later than now: the campaign waits as `scheduled`; omitted or past: it starts now. */
  scheduled_at: z.iso.datetime({ offset: true }).nullish(),
});

export const listCampaignsInput = z.object({
  state: z.enum(CAMPAIGN_STATES).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type ListCampaignsInput = z.input<typeof listCampaignsInput>;

export type CampaignProgress = {
  total: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  skipped: number;
  skipped_by_reason: Partial<Record<string, number>>;
};

export type CountryCost = {
  country: string;
  name: string;
  recipients: number;
  /** Recipients who would be charged (utility inside an open window is free). */
  billable: number;
  rate: number;
  cost: number;
};

export type CostEstimate = {
  currency: string;
  category: "MARKETING" | "UTILITY" | "AUTHENTICATION";
  total: number;
  recipients: number;
  billable: number;
  by_country: CountryCost[];
  /** The date of the rate card the figures come from: they are estimates, not Meta's bill. */
  rates_as_of: string;
  source: string;
  notes: string[];
};

export type CampaignEstimate = {
  /** Contacts in the segment, before consent. */
  segment_size: number;
  recipients: number;
  skipped: number;
  skipped_by_reason: Partial<Record<SkipReason, number>>;
  cost: CostEstimate;
};

export type CampaignDto = {
  id: string;
  name: string;
  state: CampaignState;
  number: { id: string; display_number: string };
  template: { id: string; name: string | null; language: string | null; category: string | null };
  variables: Record<string, string>;
  header: Record<string, unknown> | null;
  buttons: Record<string, unknown>[] | null;
  segment: CampaignSegment;
  scheduled_at: string | null;
  started_at: string | null;
  paused_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  progress: CampaignProgress;
};

export type CampaignReport = {
  campaign_id: string;
  state: CampaignState;
  progress: CampaignProgress;
  /** Recipients a message was queued for (or that failed while queuing). */
  attempted: number;
  /** Shares of `attempted`, 0–1: delivered counts read and replied too; read counts replied. */
  rates: { delivered: number; read: number; replied: number; failed: number };
  failures: { code: string; title: string; hint: string; count: number }[];
  by_country: { country: string; recipients: number; delivered: number; failed: number }[];
  /** Messages Meta reported as billable in their status webhooks (pricing.billable). */
  billable_reported: number;
  estimate: CostEstimate;
};

export type CampaignAudiences = {
  number_id: string;
  contacts: number;
  teams: { id: string; name: string; contacts: number }[];
  /** Contacts whose conversation on the number carries each label. */
  labels: { id: string; name: string; color: string; contacts: number }[];
};
