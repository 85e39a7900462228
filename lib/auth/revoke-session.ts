import { z } from "zod";
import { emitAudit } from "@/lib/audit/emit-audit";
import { withTransaction, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { requireSessionUser } from "./session-actor";
import { isUuid } from "@/lib/utils/ids";
import { revokeSessions } from "./sessions";

const input = z.object({ id: z.string() });

/** Ends one of the caller's own sessions (the current one included); its sockets drop within seconds. */
export async function revokeMySession({ ctx, input: raw }: { ctx: Ctx; input: z.input<typeof input> }) {
  const me = requireSessionUser(ctx.actor);
  const { id } = input.parse(raw);
  if (!isUuid(id)) throw new NotFoundError("Session");
  return withTransaction(ctx, async (tx) => {
    const ended = await revokeSessions(tx, { userId: me.id, sessionId: id, reason: "revoked_by_user" });
    if (ended.length === 0) throw new NotFoundError("Session");
    await emitAudit(tx, me, {
      action: "auth.session_revoked",
      entityType: "user",
      entityId: me.id,
      data: { sessionId: id, current: id === me.via.sessionId },
    });
    return { id, current: id === me.via.sessionId };
  });
}
