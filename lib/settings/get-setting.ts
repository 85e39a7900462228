import { eq } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/lib/db/client";
import { settings } from "@/lib/db/schema";
import { settingDefaults, settingSchemas, type SettingKey, type SettingValue } from "./schemas";

/** A setting's value, or its default when unset or when the stored value no longer fits the schema. */
export async function getSetting<K extends SettingKey>(db: DbOrTx, key: K): Promise<SettingValue<K>> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, key))
    .limit(1);
  const parsed = settingSchemas[key].safeParse(row?.value);
  return (parsed.success ? parsed.data : settingDefaults[key]) as SettingValue<K>;
}

/** For pages: the same read on the app's pool (app/ never touches lib/db). */
export async function getWorkspaceSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  return getSetting(getDb(), key);
}
