import { emitAudit } from "@/lib/audit/emit-audit";
import { getDb } from "@/lib/db/client";
import { revokeSessions } from "./sessions";

/** Sign-out: the session row is revoked, so the JWT is dead even if a copy of the cookie survives. */
export async function endSession(input: { userId: string; sessionId: string }): Promise<void> {
  await getDb().transaction(async (tx) => {
    const ended = await revokeSessions(tx, { ...input, reason: "signed_out" });
    if (ended.length === 0) return;
    await emitAudit(
      tx,
      {
        type: "user",
        id: input.userId,
        role: "agent",
        teamIds: [],
        via: { kind: "session", sessionId: input.sessionId },
      },
      {
        action: "auth.sign_out",
        entityType: "user",
        entityId: input.userId,
        data: { sessionId: input.sessionId },
      },
    );
  });
}
