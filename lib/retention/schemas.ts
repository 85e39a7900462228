import { z } from "zod";

// Client-safe: what the data admin page reads.

/** A number with how long its messages are kept (null: forever). */
export type RetentionNumberDto = {
  id: string;
  display_number: string;
  retention_days: number | null;
  /** The last purge that removed something on this number, from the audit log. */
  last_purge: { at: string; messages: number; notes: number } | null;
};

/** A contact with their conversations and what is under legal hold. */
export type LegalHoldEntryDto = {
  contact: { id: string; name: string; phone: string | null; legal_hold: boolean };
  conversations: { id: string; number: string; status: string; legal_hold: boolean }[];
};

export const legalHoldSearchInput = z.object({ q: z.string().trim().max(100).optional() }).strict();
