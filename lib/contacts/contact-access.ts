import { sql } from "drizzle-orm";
import { assertCan, can, type Permission } from "@/lib/auth/permissions";
import type { DbOrTx } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { isUuid } from "@/lib/utils/ids";

/**
 * Contacts have no team of their own: an actor may see one when they may see one of its conversations
 * (a contact without any is the admins' and supervisors' to triage). Out of scope looks like missing.
 */
export async function assertContactAccess(
  db: DbOrTx,
  ctx: Ctx,
  contactId: string,
  permission: Permission,
): Promise<{ conversationIds: string[] }> {
  assertCan(ctx.actor, permission);
  if (!isUuid(contactId)) throw new NotFoundError("Contact");
  const rows = await db.execute<{
    id: string | null;
    team_id: string | null;
    assignee_id: string | null;
  }>(sql`
    select c.id, c.team_id, c.assignee_id
    from contacts ct left join conversations c on c.contact_id = ct.id
    where ct.id = ${contactId}`);
  if (rows.length === 0) throw new NotFoundError("Contact");
  const conversations = rows.filter((r) => r.id !== null);
  const visible =
    conversations.length === 0
      ? can(ctx.actor, permission, { teamId: null })
      : conversations.some((c) =>
          can(ctx.actor, permission, { teamId: c.team_id, assigneeId: c.assignee_id }),
        );
  if (!visible) throw new NotFoundError("Contact");
  return { conversationIds: conversations.map((c) => c.id!) };
}
