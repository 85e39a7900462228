import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, onDatabaseQuery } from "@/lib/db/client";
import { useTestDatabase } from "@/tests/int/db";
import { useSimWorkspace } from "@/tests/int/sim-workspace";
import { listMessages } from "./index";
import type { ListMessagesInput } from "./schemas";

// A thread read (a page, an older page, the live catch-up after a message, named messages) is one statement:
// the caller's scope, the messages and their media come back together (BENCHMARKS.md T4: the catch-up runs
// on every live update). Scope and validation answer as they did with separate lookups.

useTestDatabase();
const { ws, customer, settle } = useSimWorkspace("98");

let conversationId = "";
const idOf = async (text: string) =>
  (await getDb().execute<{ id: string }>(sql`select id from messages where text = ${text}`))[0]!.id;

beforeAll(async () => {
  conversationId = (await customer({ name: "One Trip", text: "one-first" })).conversationId;
  await customer({ name: "Other Trip", text: "other-first" });
  await settle();
  // Later than the customer's first message: an image (with our stored copy) and a failed send replying to it.
  await getDb().execute(sql`
    insert into messages (conversation_id, wamid, direction, source, type, text, status, error, reply_to_wamid,
      timestamp)
    select ${conversationId}, 'wamid.one.' || g, case when g = 2 then 'outbound' else 'inbound' end::message_direction,
      case when g = 2 then 'agent' else 'customer' end::message_source, case when g = 1 then 'image' else 'text' end,
      'one-' || g, case when g = 2 then 'failed'::message_status end,
      case when g = 2 then '{"code": 131047}'::jsonb end, case when g = 2 then 'wamid.one.1' end,
      now() + interval '1 day' + g * interval '1 second'
    from generate_series(1, 4) g`);
  await getDb().execute(sql`
    insert into media (message_id, meta_media_id, mime_type, file_size, state)
    select id, 'media.one', 'image/jpeg', 2048, 'stored' from messages where wamid = 'wamid.one.1'`);
});

/** The statements `fn` sends. */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; count: number }> {
  let count = 0;
  const stop = onDatabaseQuery(() => (count += 1));
  try {
    return { result: await fn(), count };
  } finally {
    stop();
  }
}

const read = (input: Omit<ListMessagesInput, "conversationId">, actor = ws.supervisor) =>
  listMessages({ ctx: { actor }, input: { conversationId, ...input } });

describe("listMessages", () => {
  it("reads a page, an older page, a catch-up and named messages in one statement each, media included", async () => {
    const newest = await statements(() => read({ limit: 3 }));
    expect(newest.result.data.map((m) => m.text)).toEqual(["one-2", "one-3", "one-4"]);
    expect(newest.result.next_cursor).not.toBeNull();
    const failed = newest.result.data[0]!;
    expect(failed.error).toMatchObject({ code: "131047", action: "template" });
    expect(failed.reply_to).toBe("wamid.one.1");

    const older = await statements(() => read({ limit: 3, cursor: newest.result.next_cursor! }));
    expect(older.result.data.map((m) => m.text)).toEqual(["one-first", "one-1"]);
    expect(older.result.next_cursor).toBeNull();
    const image = older.result.data[1]!;
    expect(image.media).toMatchObject({ state: "stored", mime_type: "image/jpeg", size: 2048 });
    expect(image.media!.url).toBe(`/api/v1/media/${image.media!.id}`);
    // No media row: no media field at all (the contract), not media: null.
    expect("media" in older.result.data[0]!).toBe(false);

    const [first, three, four, one] = await Promise.all(["one-first", "one-3", "one-4", "one-1"].map(idOf));
    const after = await statements(() => read({ after: first!, limit: 2 }));
    expect(after.result.data.map((m) => m.text)).toEqual(["one-1", "one-2"]);
    expect(after.result.next_cursor).toBe(after.result.data[1]!.id);
    expect(after.result.data[0]!.media?.state).toBe("stored");

    const caughtUp = await statements(() => read({ after: four! }));
    expect(caughtUp.result).toEqual({ data: [], next_cursor: null });

    const named = await statements(() => read({ ids: `${three},${one}` }));
    expect(named.result.data.map((m) => m.text)).toEqual(["one-1", "one-3"]);
    expect(named.result.next_cursor).toBeNull();

    expect([newest, older, after, caughtUp, named].map((s) => s.count)).toEqual([1, 1, 1, 1, 1]);
  });

  it("answers 404 out of scope (even for a malformed read) and 422 naming the field in scope", async () => {
    const outsider = ws.agent;
    const anchor = await idOf("one-first");
    for (const input of [{}, { after: anchor }, { ids: anchor }, { ids: anchor, after: anchor }])
      await expect(read(input, outsider), JSON.stringify(input)).rejects.toMatchObject({ status: 404 });
    await expect(
      listMessages({
        ctx: { actor: ws.supervisor },
        input: { conversationId: "00000000-0000-4000-8000-000000000000" },
      }),
    ).rejects.toMatchObject({ status: 404 });

    const invalid: [Omit<ListMessagesInput, "conversationId">, string][] = [
      [{ ids: anchor, after: anchor }, "ids"],
      [{ cursor: "not-a-cursor" }, "cursor"],
      // A message of another conversation is not an anchor in this one.
      [{ after: await idOf("other-first") }, "after"],
    ];
    for (const [input, field] of invalid)
      await expect(read(input), field).rejects.toMatchObject({ status: 422, details: { field } });
  });
});
