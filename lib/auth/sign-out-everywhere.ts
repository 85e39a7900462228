import { eq, sql } from "drizzle-orm";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { users } from "@/lib/db/schema";
import { requireSessionUser } from "./session-actor";
import { revokeSessions } from "./sessions";

/** Ends every session of the caller, this one too: the session version moves on and every row is revoked. */
export async function signOutEverywhere({ ctx }: { ctx: Ctx }) {
  const me = requireSessionUser(ctx.actor);
  return withTransaction(ctx, async (tx) => {
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1`, updatedAt: new Date() })
      .where(eq(users.id, me.id));
    const ended = await revokeSessions(tx, { userId: me.id, reason: "signed_out_everywhere" });
    await emitAudit(tx, me, {
      action: "auth.session_revoked",
      entityType: "user",
      entityId: me.id,
      data: { everywhere: true, sessions: ended.length },
    });
    return { ended: ended.length };
  });
}
