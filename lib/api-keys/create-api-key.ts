import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { apiKeys } from "@/lib/db/schema";
import { ValidationError } from "@/lib/errors";
import { resolveRoleAssignment } from "@/lib/roles";
import { generateApiKey } from "./key-format";
import { selectApiKey } from "./queries";
import { createApiKeyInput, type CreateApiKeyInput, type CreateApiKeyResult } from "./schemas";

/** Mints a REST API key acting with a role (built-in or custom). The key is returned here once only. */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateApiKeyInput;
}): Promise<CreateApiKeyResult> {
  assertCan(ctx.actor, "api-keys:manage");
  const data = createApiKeyInput.parse(input);
  const expiresAt = data.expires_at ? new Date(data.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw new ValidationError("expires_at must be in the future", { field: "expires_at" });
  const { key, prefix, hash } = generateApiKey();
  return withTransaction(ctx, async (tx) => {
    const assignment = await resolveRoleAssignment(tx, ctx.actor, {
      role: data.role,
      customRoleId: data.custom_role_id,
    });
    // created_by names a person; a key minting keys (or the CLI) leaves it empty and the audit names the key.
    const createdBy = ctx.actor.type === "user" && ctx.actor.via?.kind !== "api_key" ? ctx.actor.id : null;
    const [row] = await tx
      .insert(apiKeys)
      .values({
        name: data.name,
        prefix,
        keyHash: hash,
        role: assignment.role,
        customRoleId: assignment.customRoleId,
        createdBy,
        expiresAt,
      })
      .returning({ id: apiKeys.id });
    if (!row) throw new Error("api key insert returned no row");
    await emitAudit(tx, ctx.actor, {
      action: "api_key.created",
      entityType: "api_key",
      entityId: row.id,
      data: {
        name: data.name,
        prefix,
        role: assignment.role,
        customRoleId: assignment.customRoleId,
        expiresAt: expiresAt?.toISOString() ?? null,
      },
    });
    return { api_key: (await selectApiKey(tx, row.id))!, key };
  });
}
