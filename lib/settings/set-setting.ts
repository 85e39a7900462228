import { sql } from "drizzle-orm";
import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { assertCan } from "@/lib/auth/permissions";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { settings } from "@/lib/db/schema";
import { getSetting } from "./get-setting";
import { settingSchemas, type SettingKey, type SettingValue } from "./schemas";

/** Changes one workspace setting (admins), audited with the old and new value. */
export async function setSetting<K extends SettingKey>({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { key: K; value: SettingValue<K> };
}): Promise<SettingValue<K>> {
  assertCan(ctx.actor, "settings:manage");
  return writeSetting(ctx, input);
}

/**
 * The write behind setSetting, for a domain whose own permission guards its setting (numbers:manage for
 * the Embedded Signup ids): the caller has checked it.
 */
export async function writeSetting<K extends SettingKey>(
  ctx: Ctx,
  input: { key: K; value: SettingValue<K> },
): Promise<SettingValue<K>> {
  const key = z.enum(Object.keys(settingSchemas) as [SettingKey, ...SettingKey[]]).parse(input.key) as K;
  const value = settingSchemas[key].parse(input.value) as SettingValue<K>;
  // A null setting ("off") is stored as JSON null; a bare null would be SQL NULL in the not-null column.
  const stored = value === null ? sql`'null'::jsonb` : value;
  return withTransaction(ctx, async (tx) => {
    const previous = await getSetting(tx, key);
    const updatedBy = ctx.actor.type === "user" ? ctx.actor.id : null;
    await tx
      .insert(settings)
      .values({ key, value: stored, updatedBy, updatedAt: new Date() })
      .onConflictDoUpdate({ target: settings.key, set: { value: stored, updatedBy, updatedAt: new Date() } });
    await emitAudit(tx, ctx.actor, {
      action: "settings.changed",
      entityType: "setting",
      entityId: key,
      data: { key, from: previous, to: value },
    });
    return value;
  });
}
