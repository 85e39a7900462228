import { z } from "zod";

export const addNumberInput = z.object({
  wabaId: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id"),
  phoneNumberId: z.string().regex(/^\d+$/, "must be Meta's numeric phone number id"),
  displayNumber: z.string().min(3).max(32),
  coexistence: z.boolean().default(false),
  defaultTeamId: z.uuid().nullish(),
});
export type AddNumberInput = z.input<typeof addNumberInput>;

/** A business number as admins see it: Coexistence link health and history import progress. */
export type NumberDto = {
  id: string;
  waba_id: string;
  phone_number_id: string;
  display_number: string;
  coexistence: boolean;
  coexistence_state: "active" | "partner_removed" | "offboarded";
  coexistence_reason: string | null;
  last_app_activity_at: string | null;
  /** Days until the phone app's ~14-day inactivity limit cuts the link (null: no activity seen yet). */
  app_inactivity_days_left: number | null;
  history: {
    state: "not_started" | "importing" | "complete" | "declined";
    phase: number | null;
    progress: number;
    counts: { chunks: number; threads: number; messages: number; duplicates: number };
    updated_at: string | null;
  };
  alerts: { id: string; kind: string; message: string; created_at: string }[];
};
