import { eq, sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { emitAudit } from "@/lib/audit/emit-audit";
import { dbOf, withTransaction, type Ctx } from "@/lib/db/context";
import type { DbOrTx } from "@/lib/db/client";
import { settings } from "@/lib/db/schema";
import { signupSettingsInput, type SignupSettings } from "./schemas";

// A workspace setting kept in the settings table under its own key (lib/settings' typed keys belong to
// another domain); the page launches Meta's Embedded Signup only when both ids are set.
const KEY = "numbers.embedded_signup";
const EMPTY: SignupSettings = { app_id: null, config_id: null };

async function readSignupSettings(db: DbOrTx): Promise<SignupSettings> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, KEY))
    .limit(1);
  const parsed = signupSettingsInput.safeParse(row?.value);
  return parsed.success ? parsed.data : EMPTY;
}

export async function getSignupSettings({ ctx }: { ctx: Ctx }): Promise<SignupSettings> {
  assertCan(ctx.actor, "numbers:read");
  return readSignupSettings(dbOf(ctx));
}

export async function setSignupSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SignupSettings;
}): Promise<SignupSettings> {
  assertCan(ctx.actor, "numbers:manage");
  const value = signupSettingsInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const previous = await readSignupSettings(tx);
    const updatedBy = ctx.actor.type === "user" ? ctx.actor.id : null;
    await tx
      .insert(settings)
      .values({ key: KEY, value, updatedBy })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: sql`now()` } });
    await emitAudit(tx, ctx.actor, {
      action: "settings.changed",
      entityType: "setting",
      entityId: KEY,
      data: { key: KEY, from: previous, to: value },
    });
    return value;
  });
}
