import { z } from "zod";

export const addNumberInput = z.object({
  wabaId: z.string().regex(/^\d+$/, "must be Meta's numeric WABA id"),
  phoneNumberId: z.string().regex(/^\d+$/, "must be Meta's numeric phone number id"),
  displayNumber: z.string().min(3).max(32),
  coexistence: z.boolean().default(false),
  defaultTeamId: z.uuid().nullish(),
});
export type AddNumberInput = z.input<typeof addNumberInput>;
