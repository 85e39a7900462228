import { z } from "zod";

// Client-safe: API key inputs and DTOs. The secret never appears in a DTO, only in the create result.

export const createApiKeyInput = z
  .object({
    name: z.string().trim().min(1, "is required").max(80, "must be at most 80 characters"),
    role: z
      .enum(["admin", "supervisor", "agent"], { error: "must be one of admin, supervisor, agent" })
      .optional(),
    custom_role_id: z.uuid("must be a role id").nullish(),
    /** ISO 8601; omitted or null: the key never expires. */
    expires_at: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).nullish(),
  })
  .strict();
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const listApiKeysInput = z.object({
  status: z.enum(["active", "all"]).default("all"),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListApiKeysInput = z.input<typeof listApiKeysInput>;

export type ApiKeyDto = {
  id: string;
  name: string;
  /** Shown in lists and logs to recognise a key: the key reads tdm_<prefix>_<secret>. */
  prefix: string;
  role: "admin" | "supervisor" | "agent";
  custom_role: { id: string; name: string } | null;
  created_by: { id: string; name: string } | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  status: "active" | "expired" | "revoked";
};

export type CreateApiKeyResult = { api_key: ApiKeyDto; key: string };
