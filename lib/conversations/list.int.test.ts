import { sql } from "drizzle-orm";
import { ZodError } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { createLabel } from "@/lib/labels";
import { sendMessage } from "@/lib/messaging";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import {
  addConversationLabel,
  assignConversation,
  countConversations,
  listConversations,
  searchConversations,
  setConversationPriority,
  snoozeConversation,
} from "./index";

useTestDatabase();
const { ws, customer } = useSimWorkspace("82");

let ann: Actor;
const annId = () => (ann.type === "user" ? ann.id : "");
type Customer = Awaited<ReturnType<typeof customer>>;
let zoe: Customer;
let yan: Customer;
let xia: Customer;
let elsewhere: Customer;

beforeAll(async () => {
  const user = await createUser({
    ctx: system,
    input: {
      email: "ann-82@example.com",
      name: "Ann Agent",
      role: "agent",
      password: "correct horse battery",
      teamIds: [ws.teamId],
    },
  });
  ann = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
  // Oldest first, so "longest waiting" is zoe, then yan, then xia.
  zoe = await customer({ name: "Zoe Quartz", text: "Where is my parcel tracking number?" });
  yan = await customer({ name: "Yan Ruby", text: "I want a refund for the blue kettle" });
  xia = await customer({ name: "Xia Opal", text: "Hello there" });
  elsewhere = await customer({ name: "Zed Other", text: "parcel question from another team" });
  await assignConversation({
    ctx: { actor: ws.supervisor },
    input: { conversationId: elsewhere.conversationId, team_id: ws.otherTeamId },
  });
  // Distinct waiting times regardless of Meta's one-second timestamps.
  for (const [c, ageS] of [
    [zoe, 300],
    [yan, 200],
    [xia, 100],
  ] as const)
    await getDb().execute(
      sql`update conversations set waiting_since = now() - make_interval(secs => ${ageS}) where id = ${c.conversationId}`,
    );
});

const ids = (page: { data: { id: string }[] }) => page.data.map((c) => c.id);
const list = (input: Parameters<typeof listConversations>[0]["input"]) =>
  listConversations({ ctx: { actor: ann }, input });

describe("the conversation list", () => {
  it("filters by view, assignee, label, priority and unread, and sorts by longest waiting", async () => {
    await assignConversation({
      ctx: { actor: ann },
      input: { conversationId: yan.conversationId, assignee_id: annId() },
    });
    const vip = await createLabel({ ctx: system, input: { name: "VIP-82" } });
    await addConversationLabel({
      ctx: { actor: ann },
      input: { conversationId: zoe.conversationId, label_id: vip.id },
    });
    await setConversationPriority({
      ctx: { actor: ann },
      input: { conversationId: xia.conversationId, priority: "high" },
    });

    expect(ids(await list({ view: "mine" }))).toEqual([yan.conversationId]);
    expect(ids(await list({ view: "unassigned" }))).not.toContain(yan.conversationId);
    expect(ids(await list({ label: vip.id }))).toEqual([zoe.conversationId]);
    expect(ids(await list({ priority: "high" }))).toEqual([xia.conversationId]);
    expect(ids(await list({ assignee: annId() }))).toEqual([yan.conversationId]);
    // The other team's conversation never shows, whatever the filter.
    expect(ids(await list({}))).not.toContain(elsewhere.conversationId);

    const waiting = await list({ sort: "waiting", limit: 2 });
    expect(ids(waiting)).toEqual([zoe.conversationId, yan.conversationId]);
    const rest = await list({ sort: "waiting", limit: 2, cursor: waiting.next_cursor! });
    expect(ids(rest)).toEqual([xia.conversationId]);
    // Answering ends the wait: off the waiting list.
    await sendMessage({
      ctx: { actor: ann },
      input: {
        conversationId: zoe.conversationId,
        idempotencyKey: `answer-${zoe.conversationId}`,
        message: { type: "text", text: "Tracking: 123" },
      },
    });
    expect(ids(await list({ sort: "waiting" }))).toEqual([yan.conversationId, xia.conversationId]);

    const first = (await list({ label: vip.id })).data[0]!;
    expect(first.labels).toEqual([{ id: vip.id, name: "VIP-82", color: "#64748b" }]);
    expect((await list({ view: "mine" })).data[0]).toMatchObject({
      assignee_name: "Ann Agent",
      priority: "normal",
    });
    await expect(list({ view: "everything" as never })).rejects.toBeInstanceOf(ZodError);
  });

  it("counts each view within scope", async () => {
    await snoozeConversation({
      ctx: { actor: ann },
      input: { conversationId: xia.conversationId, until: null },
    });
    const counts = await countConversations({ ctx: { actor: ann } });
    expect(counts).toMatchObject({ mine: 1, snoozed: 1, bot: 0 });
    expect(counts.all).toBe(2);
    expect(counts.teams).toEqual({ [ws.teamId]: 2 });
    const supervisorCounts = await countConversations({ ctx: { actor: ws.supervisor } });
    expect(supervisorCounts.teams[ws.otherTeamId]).toBeUndefined();
  });
});

describe("search", () => {
  it("finds contacts by part of a name or phone and messages by words, highlighted, within scope", async () => {
    const byName = await searchConversations({ ctx: { actor: ann }, input: { q: "quar" } });
    expect(byName.contacts.map((c) => c.conversation_id)).toEqual([zoe.conversationId]);
    const byPhone = await searchConversations({ ctx: { actor: ann }, input: { q: yan.phone.slice(-6) } });
    expect(byPhone.contacts.map((c) => c.conversation_id)).toEqual([yan.conversationId]);

    const byWords = await searchConversations({ ctx: { actor: ann }, input: { q: "parcel tracking" } });
    expect(byWords.messages.map((m) => m.conversation_id)).toEqual([zoe.conversationId]);
    expect(byWords.messages[0]!.highlight.filter((h) => h.hit).map((h) => h.text)).toEqual([
      "parcel",
      "tracking",
    ]);
    // "parcel" also appears in the other team's conversation, which Ann must not see.
    const parcel = await searchConversations({ ctx: { actor: ann }, input: { q: "parcel" } });
    expect(parcel.messages.map((m) => m.conversation_id)).toEqual([zoe.conversationId]);
    const admin = await searchConversations({ ctx: system, input: { q: "parcel" } });
    expect(admin.messages.map((m) => m.conversation_id).sort()).toEqual(
      [zoe.conversationId, elsewhere.conversationId].sort(),
    );
    // The list's q filter uses the same matching.
    expect(ids(await list({ q: "refund" }))).toEqual([yan.conversationId]);
    expect(ids(await list({ q: "100%_" }))).toEqual([]);
    await expect(searchConversations({ ctx: { actor: ann }, input: { q: "a" } })).rejects.toBeInstanceOf(
      ZodError,
    );
  });
});
