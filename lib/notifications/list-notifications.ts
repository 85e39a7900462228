import { sql } from "drizzle-orm";
import { z } from "zod";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ForbiddenError } from "@/lib/errors";
import type { NotificationDto } from "./schemas";

export const listNotificationsInput = z
  .object({
    /** Notifications older than this id (cursor). */
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
    unread: z.enum(["true", "false"]).optional(),
  })
  .strict();

/** The signed-in user's own notifications, newest first, with the unread total for the badge. */
export async function listNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof listNotificationsInput>;
}): Promise<{ data: NotificationDto[]; next_cursor: string | null; unread: number }> {
  if (ctx.actor.type !== "user") throw new ForbiddenError("Only people have notifications");
  const params = listNotificationsInput.parse(input);
  const userId = ctx.actor.id;
  const rows = await dbOf(ctx).execute<{
    id: string;
    kind: string;
    conversation_id: string | null;
    actor_id: string | null;
    actor_name: string | null;
    data: unknown;
    created_at: string;
    read_at: string | null;
  }>(sql`
    select n.id, n.kind, n.conversation_id, n.actor_id, u.name as actor_name, n.data, n.created_at, n.read_at
    from notifications n left join users u on u.id::text = n.actor_id
    where n.user_id = ${userId}
      ${params.cursor ? sql`and n.id < ${params.cursor}` : sql``}
      ${params.unread === "true" ? sql`and n.read_at is null` : sql``}
    order by n.id desc limit ${params.limit + 1}`);
  const [unread] = await dbOf(ctx).execute<{ n: number }>(
    sql`select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`,
  );
  const page = rows.slice(0, params.limit);
  return {
    data: page.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      conversation_id: r.conversation_id,
      actor: r.actor_id ? { id: r.actor_id, name: r.actor_name } : null,
      data: r.data,
      created_at: new Date(r.created_at).toISOString(),
      read_at: r.read_at ? new Date(r.read_at).toISOString() : null,
    })),
    next_cursor: rows.length > params.limit ? String(page.at(-1)!.id) : null,
    unread: unread?.n ?? 0,
  };
}
