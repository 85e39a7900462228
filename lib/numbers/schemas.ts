import { z } from "zod";

/** Meta's default send rate (PROTOCOL.md §7, 130429): 20 msg/s on Coexistence numbers, 80 otherwise. */
export function defaultSendRate(coexistence: boolean): number {
  return coexistence ? 20 : 80;
}

export const addNumberInput = z.object({
  wabaId: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id"),
  phoneNumberId: z.string().regex(/^\d+$/, "must be Meta's numeric phone number id"),
  displayNumber: z.string().min(3).max(32),
  coexistence: z.boolean().default(false),
  defaultTeamId: z.uuid().nullish(),
  // Write-only: sealed before it is stored and never returned.
  accessToken: z.string().trim().min(20, "is too short to be a Cloud API token").max(4096).optional(),
});
export type AddNumberInput = z.input<typeof addNumberInput>;

const accessToken = z
  .string()
  .trim()
  .min(20, "is too short to be a Cloud API token")
  .max(4096)
  .regex(/^\S+$/, "must not contain spaces");

/** POST /api/v1/numbers: connect a number by hand (ids from Meta's WhatsApp Manager, a system-user token). */
export const connectNumberInput = z.strictObject({
  waba_id: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id"),
  phone_number_id: z.string().regex(/^\d+$/, "must be Meta's numeric phone number id"),
  display_number: z.string().trim().min(3).max(32),
  coexistence: z.boolean().default(false),
  default_team_id: z.uuid().nullable().optional(),
  access_token: accessToken.optional(),
});
export type ConnectNumberInput = z.input<typeof connectNumberInput>;

/** Meta's limits: 80 mps by default, up to 1,000 when upgraded; Coexistence 20 (PROTOCOL.md §5.5). */
export const MAX_SEND_RATE = 1000;

/** PATCH /api/v1/numbers/:id: only what an admin may change; null clears (Meta's default rate, no team). */
export const updateNumberInput = z
  .strictObject({
    display_number: z.string().trim().min(3).max(32).optional(),
    send_rate_limit: z.number().int().min(1).max(MAX_SEND_RATE).nullable().optional(),
    default_team_id: z.uuid().nullable().optional(),
    access_token: accessToken.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "has nothing to change" });
export type UpdateNumberInput = z.input<typeof updateNumberInput>;

/** Embedded Signup (Meta's popup via the FB JS SDK): the app and its login configuration. */
export const signupSettingsInput = z.strictObject({
  app_id: z.string().regex(/^\d+$/, "must be Meta's numeric app id").nullable(),
  config_id: z
    .string()
    .regex(/^\d+$/, "must be the numeric Facebook Login for Business configuration id")
    .nullable(),
});
export type SignupSettings = z.infer<typeof signupSettingsInput>;

/**
 * POST /api/v1/numbers/embedded-signup: what the browser gets from Meta's Embedded Signup, the code from
 * FB.login and the ids from the WA_EMBEDDED_SIGNUP session event. The server exchanges the code for the token.
 */
export const embeddedSignupInput = z.strictObject({
  code: z.string().trim().min(1, "is required").max(2048).regex(/^\S+$/, "must not contain spaces"),
  waba_id: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id"),
  phone_number_id: z.string().regex(/^\d+$/, "must be Meta's numeric phone number id"),
  // FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING: the number stays in the Business app too.
  coexistence: z.boolean().default(false),
  // Read from Meta when left out.
  display_number: z.string().trim().min(3).max(32).optional(),
  default_team_id: z.uuid().nullable().optional(),
});
export type EmbeddedSignupInput = z.input<typeof embeddedSignupInput>;

/** A business number as admins see it: Coexistence link health and history import progress. */
export type NumberDto = {
  id: string;
  waba_id: string;
  phone_number_id: string;
  display_number: string;
  coexistence: boolean;
  coexistence_state: "active" | "partner_removed" | "offboarded";
  coexistence_reason: string | null;
  coexistence_changed_at: string | null;
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
  contact_sync_at: string | null;
  /** Messages per second the send limiter allows; null means Meta's default (`effective_send_rate`). */
  send_rate_limit: number | null;
  effective_send_rate: number;
  sending_paused: boolean;
  default_team_id: string | null;
  /** Whether a token is stored for this number; the token itself is never returned. */
  has_access_token: boolean;
  access_token_set_at: string | null;
  /** The number's bot (null when none); only listed for callers who manage numbers. */
  bot: { name: string; kind: string; active: boolean } | null;
  alerts: { id: string; kind: string; message: string; created_at: string }[];
};
