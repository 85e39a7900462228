import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { assignConversation, snoozeConversation } from "@/lib/conversations";
import { getDb } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/errors";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { getBoard, reassignAll } from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("86");

describe("the supervisor board", () => {
  it("counts each queue and agent, and moves an offline agent's work back to the queue", async () => {
    const user = await createUser({
      ctx: system,
      input: {
        email: "bea-86@example.com",
        name: "Bea Agent",
        role: "agent",
        password: "correct horse battery",
        teamIds: [ws.teamId],
      },
    });
    const bea: Actor = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
    const [a, b, c] = [await customer(), await customer(), await customer()];
    await assignConversation({
      ctx: { actor: bea },
      input: { conversationId: a.conversationId, assignee_id: user.id },
    });
    await assignConversation({
      ctx: { actor: bea },
      input: { conversationId: b.conversationId, assignee_id: user.id },
    });
    await snoozeConversation({
      ctx: { actor: bea },
      input: { conversationId: c.conversationId, until: null },
    });
    await getDb().execute(
      sql`update conversations set sla_breached_at = now() where id = ${a.conversationId}`,
    );

    const board = await getBoard({ ctx: { actor: ws.supervisor } });
    const queue = board.queues.find((q) => q.team_id === ws.teamId && q.number_id === ws.ids.A)!;
    expect(queue).toMatchObject({ waiting: 0, open: 2, snoozed: 1, bot: 0, sla_breached: 1 });
    const agent = board.agents.find((x) => x.user_id === user.id)!;
    expect(agent).toMatchObject({ name: "Bea Agent", open: 2, availability: "offline" });
    expect(agent.teams).toEqual([{ team_id: ws.teamId, team_name: "Team 86", load: 2, capacity: 5 }]);
    // The open conversations themselves, for dragging: both of Bea's, none of the snoozed one.
    const listed = board.conversations.filter((x) => x.assignee_id === user.id).map((x) => x.id);
    expect(listed.sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(board.conversations.find((x) => x.id === a.conversationId)?.sla_breached).toBe(true);
    expect(board.conversations.some((x) => x.id === c.conversationId)).toBe(false);
    expect(board.conversations_truncated).toBe(false);
    await expect(getBoard({ ctx: { actor: bea } })).rejects.toBeInstanceOf(ForbiddenError);

    const result = await reassignAll({
      ctx: { actor: ws.supervisor },
      input: { from_user_id: user.id, to_user_id: null },
    });
    expect(result).toEqual({ moved: 2, refused: [] });
    const after = await getBoard({ ctx: { actor: ws.supervisor } });
    expect(after.queues.find((q) => q.team_id === ws.teamId && q.number_id === ws.ids.A)).toMatchObject({
      waiting: 2,
    });
    expect(after.agents.find((x) => x.user_id === user.id)?.open).toBe(0);
    expect(after.conversations.filter((x) => x.assignee_id === null).map((x) => x.id)).toEqual(
      expect.arrayContaining([a.conversationId, b.conversationId]),
    );
    // Each move is audited by the assign verb, and the bulk action once more as a whole.
    const [summary] = await getDb().execute<{ data: { moved: number; to_user_id: string | null } }>(
      sql`select data from audit_log where action = 'board.bulk_reassigned' and entity_id = ${user.id}`,
    );
    expect(summary?.data).toMatchObject({ moved: 2, to_user_id: null });
  });
});
