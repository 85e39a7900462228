import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { getSetting, writeSetting } from "@/lib/settings";
import type { SignupSettings } from "./schemas";

// A workspace setting guarded by numbers:manage rather than settings:manage: the people who connect numbers
// set the ids the Numbers page launches Meta's Embedded Signup with.
const KEY = "numbers.embedded_signup";

export async function getSignupSettings({ ctx }: { ctx: Ctx }): Promise<SignupSettings> {
  assertCan(ctx.actor, "numbers:read");
  return getSetting(dbOf(ctx), KEY);
}

export async function setSignupSettings({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: SignupSettings;
}): Promise<SignupSettings> {
  assertCan(ctx.actor, "numbers:manage");
  return writeSetting(ctx, { key: KEY, value: input });
}
