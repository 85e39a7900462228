import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, getSql } from "@/lib/db/client";
import { useTestDatabase } from "@/tests/int/db";
import { useSimWorkspace } from "@/tests/int/sim-workspace";
import { encodeCursor } from "@/lib/utils/cursor";
import { listMessages } from "./index";
import { messagePageQuery } from "./queries";

// Thread pages on real Postgres: older pages by cursor never skip or repeat a message (Meta timestamps are
// whole seconds, so many messages share one), and a page deep in a 50k-message thread is an index range scan.

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
  it("walks a thread of same-second bursts to its start, each message once, oldest first overall", async () => {
    const seen: { id: string; timestamp: string }[] = [];
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
  });

  it("reads a page deep in a 50k-message thread by an index range scan with no sort", async () => {
    const first = await listMessages({ ctx: { actor: ws.supervisor }, input: { conversationId: big } });
    expect(first.data).toHaveLength(50);
    // A cursor 40,000 messages back: the scan must start there, not walk down from the newest.
    const [deep] = await getDb().execute<{ id: string; timestamp: string }>(sql`
      select id, timestamp from messages where conversation_id = ${big}
      order by timestamp desc, id offset 40000 limit 1`);
    const cursor = encodeCursor({ at: new Date(deep!.timestamp).toISOString(), id: deep!.id });
    const page = await listMessages({
      ctx: { actor: ws.supervisor },
      input: { conversationId: big, cursor },
    });
    expect(page.data.at(-1)?.text).toBe("history 10000");

    const query = messagePageQuery(getDb(), { conversationId: big, cursor, limit: 50 }).toSQL();
    const [row] = await getSql().unsafe<{ "QUERY PLAN": Plan[] }[]>(
      `explain (format json) ${query.sql}`,
      query.params as never[],
    );
    const nodes = flatten(row!["QUERY PLAN"][0]!.Plan);
    expect(nodes.some((n) => n["Node Type"] === "Sort" || n["Node Type"] === "Incremental Sort")).toBe(false);
    const scan = nodes.find((n) => n["Index Name"] === "messages_conversation_ts_idx");
    expect(scan, JSON.stringify(nodes.map((n) => n["Node Type"]))).toBeDefined();
    expect(scan!["Index Cond"]).toContain("timestamp");
  });
});

type Plan = { Plan: PlanNode };
type PlanNode = { "Node Type": string; "Index Name"?: string; "Index Cond"?: string; Plans?: PlanNode[] };

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}
