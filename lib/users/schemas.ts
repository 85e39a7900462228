import { z } from "zod";

export const roles = ["admin", "supervisor", "agent"] as const;

export const passwordSchema = z
  .string()
  .min(12, "must be at least 12 characters")
  .max(256, "must be at most 256 characters");

export const createUserInput = z.object({
  email: z.email("must be an email address").transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, "is required").max(120),
  role: z.enum(roles, { error: `must be one of ${roles.join(", ")}` }),
  password: passwordSchema,
  teamIds: z.array(z.uuid()).default([]),
});
export type CreateUserInput = z.input<typeof createUserInput>;
