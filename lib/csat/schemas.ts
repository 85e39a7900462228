import { z } from "zod";

// Client-safe shapes for the CSAT settings page and PUT /api/v1/csat/settings.

// WhatsApp caps a reply button's title at 20 characters; three buttons, best first (scores 3, 2, 1).
export const csatButtonLabels = z.tuple([
  z.string().trim().min(1).max(20),
  z.string().trim().min(1).max(20),
  z.string().trim().min(1).max(20),
]);

export const csatSettingsInput = z.strictObject({
  enabled: z.boolean(),
  // Interactive message body text: at most 1024 characters.
  question: z.string().trim().min(1).max(1024),
  button_labels: csatButtonLabels,
  // An approved template, sent when the 24 h window has closed; null skips the survey then.
  template_id: z.uuid().nullable(),
});
export type CsatSettingsInput = z.input<typeof csatSettingsInput>;
export type CsatSettings = z.output<typeof csatSettingsInput>;

/** An approved template the survey can use outside the window; quick_replies: how many answer buttons it has. */
export type CsatTemplateOption = {
  id: string;
  name: string;
  language: string | null;
  waba_id: string;
  quick_replies: number;
};

export type CsatSettingsDto = CsatSettings & { templates: CsatTemplateOption[] };
