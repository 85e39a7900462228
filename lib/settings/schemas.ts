import { z } from "zod";

// Workspace settings as typed keys: each has a schema and a default used until an admin changes it.
export const settingSchemas = {
  "mfa.required_for_all": z.boolean(),
} as const;

export const settingDefaults: { [K in SettingKey]: z.infer<(typeof settingSchemas)[K]> } = {
  "mfa.required_for_all": false,
};

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingSchemas)[K]>;
