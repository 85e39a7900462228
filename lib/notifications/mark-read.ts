import { sql } from "drizzle-orm";
import { z } from "zod";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ForbiddenError } from "@/lib/errors";

export const markNotificationsReadInput = z
  .object({ ids: z.array(z.number().int().positive()).max(500).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((v) => (v.ids?.length ?? 0) > 0 || v.all, { message: "give ids or all: true", path: ["ids"] });

/** Marks the user's own notifications read (only theirs: other users' ids are ignored, never touched). */
export async function markNotificationsRead({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof markNotificationsReadInput>;
}): Promise<{ marked: number }> {
  if (ctx.actor.type !== "user") throw new ForbiddenError("Only people have notifications");
  const params = markNotificationsReadInput.parse(input);
  const rows = await dbOf(ctx).execute(sql`
    update notifications set read_at = now()
    where user_id = ${ctx.actor.id} and read_at is null
      ${params.all ? sql`` : sql`and id = any(${`{${(params.ids ?? []).join(",")}}`}::bigint[])`}
    returning id`);
  return { marked: rows.length };
}
