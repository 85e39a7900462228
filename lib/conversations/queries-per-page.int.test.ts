import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { getDb, onDatabaseQuery } from "@/lib/db/client";
import { createLabel } from "@/lib/labels";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { listConversations, listMessages, listTimeline } from "./index";

// BENCHMARKS.md T7 "constant query count per page (no N+1)": the conversation list and a thread page issue
// the same number of statements for 10 rows as for 100, over rows that carry everything a row can show
// (labels, assignee, media, reactions, replies, edits, statuses, notes). A per-row lookup breaks equality.

useTestDatabase();
const { ws, customer, settle } = useSimWorkspace("97");

const CONVERSATIONS = 360;
const THREAD_MESSAGES = 400;
let ann: Actor;
let thread: string;

beforeAll(async () => {
  const user = await createUser({
    ctx: system,
    input: {
      email: "ann-97@example.com",
      name: "Ann Agent",
      role: "agent",
      password: "correct horse battery",
      teamIds: [ws.teamId],
    },
  });
  ann = { type: "user", id: user.id, role: "agent", teamIds: [ws.teamId] };
  const sue = ws.supervisor.type === "user" ? ws.supervisor.id : "";
  // One conversation through the real receive path; the rest in bulk, shaped like what it writes.
  thread = (await customer({ name: "Long Thread", text: "hello" })).conversationId;
  const labels = [];
  for (const name of ["VIP-97", "Billing-97", "Returns-97"])
    labels.push(await createLabel({ ctx: system, input: { name } }));
  const db = getDb();
  await db.execute(sql`
    insert into contacts (waba_id, phone, profile_name, address_book_name, username)
    select ${ws.numberA.wabaId}, '449700' || lpad(g::text, 6, '0'), 'Customer ' || g,
      case when g % 3 = 0 then 'Book ' || g end, case when g % 7 = 0 then 'user' || g end
    from generate_series(1, ${CONVERSATIONS}) g`);
  // Every third conversation is Ann's, every third Sue's, the rest unassigned; a tenth have no team.
  await db.execute(sql`
    insert into conversations (contact_id, phone_number_id, team_id, assignee_id, status, priority,
      last_message_at, last_message_preview, last_inbound_at, window_expires_at, unread_count, waiting_since,
      first_response_due_at)
    select ct.id, ${ws.ids.A}, case when g % 10 = 0 then null else ${ws.teamId}::uuid end,
      case g % 3 when 0 then ${ann.type === "user" ? ann.id : ""}::uuid when 1 then ${sue}::uuid end,
      'open', (array['low','normal','high','urgent'])[1 + g % 4]::conversation_priority,
      now() - g * interval '1 minute', 'Last message ' || g, now() - g * interval '1 minute',
      now() + interval '1 day' - g * interval '1 minute', g % 5,
      case when g % 2 = 0 then now() - g * interval '1 minute' end,
      case when g % 4 = 0 then now() + interval '1 hour' end
    from (select id, substr(phone, 7)::int as g from contacts where phone like '449700%') ct`);
  // Each list row's last message comes from a different source, some with media.
  await db.execute(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, status, timestamp)
    select c.id, 'wamid.last.' || c.id, case when s.src in ('customer', 'history') then 'inbound' else 'outbound' end::message_direction,
      s.src::message_source, case when s.n % 2 = 0 then 'text' else 'image' end, c.last_message_preview,
      case when s.src not in ('customer', 'history') then 'delivered'::message_status end, c.last_message_at
    from conversations c
    cross join lateral (select n, (array['customer','agent','bot','campaign','business_app','history'])[1 + n % 6] as src
      from (select abs(hashtext(c.id::text)) as n) h) s
    where c.id <> ${thread}`);
  await db.execute(sql`
    insert into media (message_id, meta_media_id, mime_type, file_size, state)
    select id, 'media.' || id, 'image/jpeg', 2048, 'stored' from messages where type = 'image'`);
  for (const [i, label] of labels.entries())
    await db.execute(sql`
      insert into conversation_labels (conversation_id, label_id)
      select id, ${label.id} from conversations where abs(hashtext(id::text)) % ${i + 2} = 0`);

  // The long thread: text both ways, images, replies, edits, revokes, reactions, statuses and notes.
  await db.execute(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, content, status, author_id,
      reply_to_wamid, edited_at, revoked_at, timestamp)
    select ${thread}, 'wamid.t.' || g, case when g % 2 = 0 then 'inbound' else 'outbound' end::message_direction,
      case when g % 2 = 0 then 'customer' else 'agent' end::message_source,
      case g % 5 when 0 then 'image' when 1 then 'document' else 'text' end, 'message ' || g,
      case when g % 5 = 0 then '{"image":{"id":"m"}}'::jsonb end,
      case when g % 2 = 1 then (array['sent','delivered','read','failed'])[1 + g % 4]::message_status end,
      case when g % 2 = 1 then ${sue}::uuid end,
      case when g % 7 = 0 then 'wamid.t.' || (g - 1) end,
      case when g % 11 = 0 then now() - interval '1 hour' end,
      case when g % 13 = 0 then now() - interval '1 hour' end,
      now() - interval '1 day' + g * interval '1 second'
    from generate_series(1, ${THREAD_MESSAGES}) g`);
  await db.execute(sql`
    insert into media (message_id, meta_media_id, mime_type, file_size, filename, state)
    select id, 'media.' || id, case when type = 'image' then 'image/jpeg' else 'application/pdf' end, 4096,
      case when type = 'document' then 'invoice.pdf' end, 'stored'
    from messages where conversation_id = ${thread} and type in ('image', 'document')`);
  await db.execute(sql`
    insert into message_reactions (target_wamid, reactor, emoji, wamid, timestamp)
    select 'wamid.t.' || g, 'customer', '👍', 'wamid.r.' || g, now() from generate_series(3, ${THREAD_MESSAGES}, 3) g`);
  await db.execute(sql`
    insert into message_revisions (target_wamid, change_wamid, kind, by, previous_text, next_text, changed_at, applied_at)
    select 'wamid.t.' || g, 'wamid.e.' || g, 'edit', 'customer', 'before', 'message ' || g, now(), now()
    from generate_series(11, ${THREAD_MESSAGES}, 11) g`);
  await db.execute(sql`
    insert into message_statuses (wamid, status, timestamp)
    select 'wamid.t.' || g, 'delivered', now() from generate_series(1, ${THREAD_MESSAGES}, 2) g`);
  await db.execute(sql`
    insert into conversation_events (conversation_id, type, actor_type, actor_id, data, at)
    select ${thread}, case when g % 2 = 0 then 'note' else 'assigned' end, 'user', ${sue},
      jsonb_build_object('body', 'note ' || g, 'mentions', '[]'::jsonb), now() - interval '1 day' + g * interval '7 seconds'
    from generate_series(1, 120) g`);
  await db.execute(sql`analyze`);
  // Nothing in flight (the customer's statuses) may land inside a measurement.
  await settle();
}, 120_000);

/** The statements `fn` sends, counted on the second call so a pool's first connect is not in the figure. */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  await fn();
  const queries: string[] = [];
  const stop = onDatabaseQuery((q) => queries.push(q));
  try {
    return { result: await fn(), queries };
  } finally {
    stop();
  }
}

describe("queries per page", () => {
  it("lists conversations in the same number of statements for 10, 50 and 100 rows, in every view", async () => {
    const filters = {
      all: {},
      mine: { view: "mine" },
      unassigned: { view: "unassigned" },
      team: { team: ws.teamId },
      label: { label: (await getDb().execute<{ id: string }>(sql`select id from labels limit 1`))[0]!.id },
    } as const;
    const perView: Record<string, number[]> = {};
    for (const [view, filter] of Object.entries(filters)) {
      const counts: number[] = [];
      for (const limit of [10, 50, 100]) {
        const { result, queries } = await statements(() =>
          listConversations({ ctx: { actor: ann }, input: { ...filter, limit } }),
        );
        // A full page, so equality below compares 10 rows with 100 rows.
        expect(result.data, `${view} limit ${limit}`).toHaveLength(limit);
        counts.push(queries.length);
        if (queries.length !== counts[0]) console.info(view, limit, queries.slice(0, 8));
      }
      perView[view] = counts;
    }
    console.info("T7 conversation list statements per page [10, 50, 100 rows]:", perView);
    for (const [view, counts] of Object.entries(perView))
      expect(new Set(counts).size, `${view}: ${counts.join(", ")}`).toBe(1);
    // Rows and labels: two statements, whatever the view.
    expect(perView.all![0]).toBeLessThanOrEqual(2);
  });

  it("reads a thread page in the same number of statements for 10, 50 and 200 messages, and older pages too", async () => {
    const counts: number[] = [];
    for (const limit of [10, 50, 200]) {
      const first = await statements(() =>
        listMessages({ ctx: { actor: ann }, input: { conversationId: thread, limit } }),
      );
      expect(first.result.data).toHaveLength(limit);
      // The next older page takes the cursor path of the keyset.
      const older = await statements(() =>
        listMessages({
          ctx: { actor: ann },
          input: { conversationId: thread, limit, cursor: first.result.next_cursor! },
        }),
      );
      expect(older.result.data).toHaveLength(limit);
      counts.push(first.queries.length, older.queries.length);
    }
    const timeline: number[] = [];
    for (const limit of [10, 50, 100]) {
      const page = await statements(() =>
        listTimeline({ ctx: { actor: ann }, input: { conversationId: thread, limit } }),
      );
      expect(page.result.data).toHaveLength(limit);
      timeline.push(page.queries.length);
    }
    console.info("T7 thread statements per page [10, 10 older, 50, 50 older, 200, 200 older]:", counts);
    console.info("T7 timeline statements per page [10, 50, 100]:", timeline);
    expect(new Set(counts).size, counts.join(", ")).toBe(1);
    expect(new Set(timeline).size, timeline.join(", ")).toBe(1);
  });
});
