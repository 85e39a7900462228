import { z } from "zod";
import { csatButtonLabels } from "@/lib/csat/schemas";
import { signupSettingsInput } from "@/lib/numbers/schemas";

// Workspace settings as typed keys: each has a schema and a default used until an admin changes it.
export const settingSchemas = {
  "mfa.required_for_all": z.boolean(),
  // Open conversations nobody is waiting on are resolved after this many hours without a message (null: never).
  "conversations.auto_resolve_after_hours": z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .nullable(),
  // Online agents with no open tab for this many minutes become away (null: never).
  "agents.auto_away_after_minutes": z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .nullable(),
  // CSAT survey after a resolve (issue 10): off until an admin turns it on.
  "csat.enabled": z.boolean(),
  // The approved template sent when the 24 h window has closed (null: skip the survey then).
  "csat.template_id": z.uuid().nullable(),
  "csat.question": z.string().trim().min(1).max(1024),
  // The three reply buttons' titles, best first (scores 3, 2, 1).
  "csat.button_labels": csatButtonLabels,
  // Meta's Embedded Signup ids; the Numbers page launches the popup only when both are set.
  "numbers.embedded_signup": signupSettingsInput,
} as const;

export const settingDefaults: { [K in SettingKey]: z.infer<(typeof settingSchemas)[K]> } = {
  "mfa.required_for_all": false,
  "conversations.auto_resolve_after_hours": null,
  "agents.auto_away_after_minutes": 10,
  "csat.enabled": false,
  "csat.template_id": null,
  "csat.question": "How did we do?",
  "csat.button_labels": ["Great", "OK", "Poor"],
  "numbers.embedded_signup": { app_id: null, config_id: null },
};

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingSchemas)[K]>;
