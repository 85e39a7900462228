import { eq } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { UnauthenticatedError } from "@/lib/errors";
import { requireSessionUser } from "./session-actor";

export type MeDto = {
  id: string;
  email: string;
  name: string;
  role: string;
  session_id: string;
  mfa_enabled: boolean;
  password_changed_at: string | null;
};

/** Who the current browser session belongs to (also how a page checks it is still signed in). */
export async function getMe({ ctx }: { ctx: Ctx }): Promise<MeDto> {
  const me = requireSessionUser(ctx.actor);
  const [user] = await dbOf(ctx).select().from(users).where(eq(users.id, me.id)).limit(1);
  if (!user) throw new UnauthenticatedError();
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    session_id: me.via.sessionId,
    mfa_enabled: user.mfaEnabledAt !== null,
    password_changed_at: user.passwordChangedAt?.toISOString() ?? null,
  };
}
