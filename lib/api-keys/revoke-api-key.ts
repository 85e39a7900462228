import { eq } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { apiKeys } from "@/lib/db/schema";
import { NotFoundError } from "@/lib/errors";
import { selectApiKey } from "./queries";
import type { ApiKeyDto } from "./schemas";

/** Revokes a key: its next request is a 401. Revoking twice is a no-op. */
export async function revokeApiKey({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<ApiKeyDto> {
  assertCan(ctx.actor, "api-keys:manage");
  return withTransaction(ctx, async (tx) => {
    const key = await selectApiKey(tx, input.id, { lock: true });
    if (!key) throw new NotFoundError("API key");
    if (key.revoked_at) return key;
    await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, key.id));
    await emitAudit(tx, ctx.actor, {
      action: "api_key.revoked",
      entityType: "api_key",
      entityId: key.id,
      data: { name: key.name, prefix: key.prefix },
    });
    return (await selectApiKey(tx, key.id))!;
  });
}
