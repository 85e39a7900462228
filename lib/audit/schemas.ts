import { z } from "zod";

// Client-safe: audit log filters, DTOs and verification results shared by the API, the UI and tests.

const when = z
  .string()
  .trim()
  .refine(
    (v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)),
    {
      message: "must be an ISO 8601 date or date-time",
    },
  );

/** List and export filters; every one optional. `from` is inclusive, `to` exclusive. */
export const auditFilters = z.object({
  /** A user id, or a system actor's name (ingest, cli, …). */
  actor: z.string().trim().min(1).max(200).optional(),
  /** Matches the action and everything under it: `campaign` finds campaign.started, campaign.paused… */
  action: z.string().trim().min(1).max(100).optional(),
  entity_type: z.string().trim().min(1).max(100).optional(),
  entity_id: z.string().trim().min(1).max(200).optional(),
  from: when.optional(),
  to: when.optional(),
});
export type AuditFilters = z.output<typeof auditFilters>;

export const auditListInput = auditFilters.extend({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, "is not valid")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditListInput = z.input<typeof auditListInput>;

export type AuditEntryDto = {
  id: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  /** The user's name for user actors (null when the user is gone); the name for system actors. */
  actor_name: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  data: unknown;
  hash: string;
};

export type AuditPage = { data: AuditEntryDto[]; next_cursor: string | null };

export const AUDIT_BREAK_REASONS = [
  "hash_mismatch",
  "prev_hash_mismatch",
  "rows_missing",
  "anchor_mismatch",
  "anchor_missing",
] as const;
export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

export type AuditVerifyResult =
  | { ok: true; rows: number; lastId: number | null }
  | {
      ok: false;
      /** The first broken row: altered, linking to a missing or moved row, or the head the anchor expects. */
      brokenAt: number;
      reason: AuditBreakReason;
      detail: string;
      /** Rows verified intact before the break. */
      rows: number;
      lastIntactId: number | null;
    };

/** The API's shape of a verification, with how long it took. */
export type AuditVerifyDto = AuditVerifyResult & { duration_ms: number };
