import { sql } from "drizzle-orm";
import { z } from "zod";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/utils/cursor";
import { getConversation } from "./get-conversation";
import type { Page, TimelineEventDto } from "./schemas";

export const listTimelineInput = z.object({
  conversationId: z.string(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

/**
 * The conversation's non-message timeline (assignments, transfers, resolves, snoozes, labels, notes, identity
 * changes), newest first like messages, so the thread can merge both by time.
 */
export async function listTimeline({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof listTimelineInput>;
}): Promise<Page<TimelineEventDto>> {
  const params = listTimelineInput.parse(input);
  await getConversation({ ctx, input: { id: params.conversationId } });
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const rows = await dbOf(ctx).execute<{
    id: string;
    conversation_id: string;
    type: string;
    actor_type: string;
    actor_id: string | null;
    actor_name: string | null;
    data: unknown;
    at: string;
  }>(sql`
    select e.id, e.conversation_id, e.type, e.actor_type, e.actor_id, u.name as actor_name, e.data, e.at
    from conversation_events e
    left join users u on e.actor_type = 'user' and u.id::text = e.actor_id
    where e.conversation_id = ${params.conversationId}
      ${cursor?.at ? sql`and (e.at, e.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)` : sql``}
    order by e.at desc, e.id desc
    limit ${params.limit + 1}`);
  const page = rows.slice(0, params.limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  const last = rows.length > params.limit ? page.at(-1) : undefined;
  return { data: page, next_cursor: last ? encodeCursor({ at: last.at, id: last.id }) : null };
}
