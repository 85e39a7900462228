import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { useTestDatabase } from "@/tests/int/db";
import { planNodes, sorts } from "@/tests/int/query-plan";
import { useSimWorkspace } from "@/tests/int/sim-workspace";
import { encodeCursor } from "@/lib/utils/cursor";
import { listMessages } from "./index";
import { messagePageQuery } from "./queries";

// Thread pages on real Postgres: older pages by cursor never skip or repeat a message (Meta timestamps are
// whole seconds, so many messages share one), messages sharing a second read in the order they arrived, and
// a page deep in a 50k-message thread is an index range scan.

useTestDatabase();
const { ws, customer } = useSimWorkspace("95");

let big: string;
let bursty: string;

beforeAll(async () => {
  big = (await customer({ name: "Big Thread", text: "hello" })).conversationId;
  bursty = (await customer({ name: "Bursty Thread", text: "hi" })).conversationId;
  // 50,000 messages one second apart, and 1,000 in bursts of 7 sharing a second.
  await getDb().execute(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
    select ${big}, 'wamid.big.' || g, 'inbound', 'history', 'text', 'history ' || g,
      date_trunc('second', now()) - interval '100 days' + g * interval '1 second'
    from generate_series(1, 50000) g`);
  await getDb().execute(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
    select ${bursty}, 'wamid.burst.' || g, 'inbound', 'customer', 'text', 'burst ' || g,
      date_trunc('second', now()) - interval '10 days' + (g / 7) * interval '1 second'
    from generate_series(1, 1000) g`);
  await getDb().execute(sql`analyze messages`);
}, 120_000);

describe("thread pages", () => {
  it("walks a thread of same-second bursts to its start, each message once, in arrival order", async () => {
    const seen: { id: string; timestamp: string; text: string | null }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listMessages({
        ctx: { actor: ws.supervisor },
        input: { conversationId: bursty, limit: 37, ...(cursor ? { cursor } : {}) },
      });
      seen.unshift(...page.data);
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(1001);
    expect(new Set(seen.map((m) => m.id)).size).toBe(1001);
    const times = seen.map((m) => Date.parse(m.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The burst rows were inserted as burst 1..1000 (before the newer "hi"): each shared second keeps that order.
    expect(seen.slice(0, -1).map((m) => m.text)).toEqual(
      Array.from({ length: 1000 }, (_, i) => `burst ${i + 1}`),
    );
  });

  it("keeps a burst in arrival order whatever its ids", async () => {
    const { conversationId } = await customer({ name: "Same Second", text: "first" });
    // The old thread order (timestamp desc, id asc, read back reversed) would show this burst backwards.
    const ids = ["33333333", "66666666", "99999999", "cccccccc", "ffffffff"].map(
      (p) => `${p}-0000-4000-8000-000000000000`,
    );
    for (const [i, id] of ids.entries())
      await getDb().execute(sql`
        insert into messages (id, conversation_id, wamid, direction, source, type, text, timestamp)
        values (${id}, ${conversationId}, ${`wamid.same.${i}`}, 'inbound', 'customer', 'text', ${`same ${i}`},
          date_trunc('second', now()) + interval '1 day')`);
    const texts: (string | null)[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMessages({
        ctx: { actor: ws.supervisor },
        input: { conversationId, limit: 2, ...(cursor ? { cursor } : {}) },
      });
      texts.unshift(...page.data.map((m) => m.text));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(texts).toEqual(["first", "same 0", "same 1", "same 2", "same 3", "same 4"]);
  });

  it("reads a page deep in a 50k-message thread by an index range scan with no sort", async () => {
    const first = await listMessages({ ctx: { actor: ws.supervisor }, input: { conversationId: big } });
    expect(first.data).toHaveLength(50);
    // A cursor 40,000 messages back: the scan must start there, not walk down from the newest.
    const [deep] = await getDb().execute<{ id: string; timestamp: string; arrival: string }>(sql`
      select id, timestamp, arrival from messages where conversation_id = ${big}
      order by timestamp desc, arrival desc offset 40000 limit 1`);
    const key = { at: new Date(deep!.timestamp).toISOString(), id: deep!.id };
    const cursor = Buffer.from(JSON.stringify({ ...key, arrival: Number(deep!.arrival) })).toString(
      "base64url",
    );
    const page = await listMessages({
      ctx: { actor: ws.supervisor },
      input: { conversationId: big, cursor },
    });
    expect(page.data.at(-1)?.text).toBe("history 10000");
    // A cursor issued before arrival existed (no arrival in it) reads the same page.
    const old = await listMessages({
      ctx: { actor: ws.supervisor },
      input: { conversationId: big, cursor: encodeCursor(key) },
    });
    expect(old.data.map((m) => m.id)).toEqual(page.data.map((m) => m.id));

    const nodes = await planNodes(
      messagePageQuery(getDb(), { conversationId: big, cursor, limit: 50 }).toSQL(),
    );
    expect(sorts(nodes)).toBe(false);
    const scan = nodes.find((n) => n["Index Name"] === "messages_conversation_ts_arrival_idx");
    expect(scan, JSON.stringify(nodes.map((n) => n["Node Type"]))).toBeDefined();
    expect(scan!["Index Cond"]).toContain("timestamp");
  });
});
