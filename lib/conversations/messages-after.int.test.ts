import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as getMessagesRoute } from "@/app/api/v1/conversations/[id]/messages/route";
import { getDb } from "@/lib/db/client";
import { useTestDatabase } from "@/tests/int/db";
import { planNodes, sorts } from "@/tests/int/query-plan";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { useSimWorkspace } from "@/tests/int/sim-workspace";
import { listMessages } from "./index";
import { messagesAfterQuery } from "./queries";

// The thread's live catch-up (`after`): an open thread asks only for what came after its newest message,
// on real Postgres, through the route a browser calls.

useTestDatabase();
const { ws, customer } = useSimWorkspace("96");

/** Inserts messages into a conversation; `at` is SQL for their timestamp. */
async function insert(conversationId: string, texts: string[], at = sql`now()`) {
  for (const text of texts)
    await getDb().execute(sql`
      insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
      values (${conversationId}, ${`wamid.after.${text}`}, 'inbound', 'customer', 'text', ${text}, ${at})`);
}

async function idOf(text: string): Promise<string> {
  const [row] = await getDb().execute<{ id: string }>(sql`select id from messages where text = ${text}`);
  return row!.id;
}

const after = (conversationId: string, anchor: string, limit?: number) =>
  listMessages({
    ctx: { actor: ws.supervisor },
    input: { conversationId, after: anchor, ...(limit ? { limit } : {}) },
  });

describe("messages after a message", () => {
  it("returns only the newer messages, oldest first, same-second bursts in arrival order", async () => {
    const { conversationId } = await customer({ name: "After Burst", text: "a-first" });
    // now() keeps microseconds: the anchor must not come back because a cursor rounded it to milliseconds.
    await insert(conversationId, ["a-anchor"]);
    await insert(conversationId, ["a-1", "a-2", "a-3"], sql`date_trunc('second', now()) + interval '1 day'`);
    const page = await after(conversationId, await idOf("a-anchor"));
    expect(page.data.map((m) => m.text)).toEqual(["a-1", "a-2", "a-3"]);
    expect(page.next_cursor).toBeNull();
    // The newest message has nothing after it.
    expect(await after(conversationId, await idOf("a-3"))).toEqual({ data: [], next_cursor: null });
  });

  it("pages forward with next_cursor as the next after, each message once", async () => {
    const { conversationId } = await customer({ name: "After Pages", text: "p-first" });
    const texts = Array.from({ length: 7 }, (_, i) => `p-${i}`);
    await insert(conversationId, texts, sql`date_trunc('second', now()) + interval '2 days'`);
    const seen: string[] = [];
    let anchor = await idOf("p-first");
    for (let pages = 0; pages < 10; pages++) {
      const page = await after(conversationId, anchor, 3);
      seen.push(...page.data.map((m) => m.text ?? ""));
      if (!page.next_cursor) break;
      expect(page.next_cursor).toBe(page.data.at(-1)!.id);
      anchor = page.next_cursor;
    }
    expect(seen).toEqual(texts);
  });

  it("follows thread order: a later row with an older timestamp is not after the anchor", async () => {
    // What a live client sees as a message it was told about but did not get: it reloads the thread.
    const { conversationId } = await customer({ name: "After Late", text: "l-first" });
    await insert(conversationId, ["l-anchor"], sql`now() + interval '3 days'`);
    await insert(conversationId, ["l-late"], sql`now() + interval '1 day'`);
    expect((await after(conversationId, await idOf("l-anchor"))).data).toEqual([]);
    expect((await after(conversationId, await idOf("l-first"))).data.map((m) => m.text)).toEqual([
      "l-late",
      "l-anchor",
    ]);
  });

  it("reads a 50k-message thread from the anchor by an index range scan with no sort", async () => {
    const { conversationId } = await customer({ name: "After Big", text: "b-first" });
    await getDb().execute(sql`
      insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
      select ${conversationId}, 'wamid.afterbig.' || g, 'inbound', 'history', 'text', 'big ' || g,
        now() - interval '100 days' + g * interval '1 second'
      from generate_series(1, 50000) g`);
    await getDb().execute(sql`analyze messages`);
    const anchor = await idOf("big 49990");
    expect((await after(conversationId, anchor)).data.map((m) => m.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `big ${49991 + i}`).concat("b-first"),
    );
    const nodes = await planNodes(
      messagesAfterQuery(getDb(), { conversationId, after: anchor, limit: 50 }).toSQL(),
    );
    expect(sorts(nodes)).toBe(false);
    const scan = nodes.find((n) => n["Index Name"] === "messages_conversation_ts_arrival_idx");
    expect(scan, JSON.stringify(nodes.map((n) => n["Node Type"]))).toBeDefined();
    expect(scan!["Index Cond"]).toContain("timestamp");
  }, 120_000);
});

describe("GET /api/v1/conversations/:id/messages?after=", () => {
  const call = (id: string, query: string, cookie: string) =>
    getMessagesRoute(
      new NextRequest(`http://localhost/api/v1/conversations/${id}/messages?${query}`, {
        headers: { cookie },
      }),
      { params: Promise.resolve({ id }) },
    );

  it("answers the new messages, and 422 naming after for an id that is not one of its messages", async () => {
    const cookie = await cookieForNewUser("admin");
    const { conversationId } = await customer({ name: "After Route", text: "r-first" });
    const other = await customer({ name: "After Other", text: "o-first" });
    await insert(conversationId, ["r-1"], sql`now() + interval '4 days'`);

    const ok = await call(conversationId, `after=${await idOf("r-first")}`, cookie);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data: { text: string }[] }).data.map((m) => m.text)).toEqual(["r-1"]);

    const cases = [
      "after=not-a-uuid",
      // A message of another conversation, and an id of no message at all.
      `after=${await idOf("o-first")}`,
      "after=00000000-0000-4000-8000-000000000000",
      `after=${await idOf("r-first")}&cursor=${Buffer.from(JSON.stringify({ at: null, id: other.conversationId })).toString("base64url")}`,
    ];
    for (const query of cases) {
      const res = await call(conversationId, query, cookie);
      expect(res.status, query).toBe(422);
      const body = (await res.json()) as { error: { code: string; field: string } };
      expect(body.error, query).toMatchObject({ code: "validation_failed", field: "after" });
    }
  });
});
