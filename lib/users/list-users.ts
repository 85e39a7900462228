import { assertCan, can } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { selectPeople, toSummary } from "./queries";
import { listUsersInput, type ListUsersInput, type UserDto, type UserSummaryDto } from "./schemas";

/**
 * People, oldest first. People admins see everything about everyone; others (users:read) see active
 * colleagues' name, email, role and teams only.
 */
export async function listUsers({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListUsersInput;
}): Promise<{ data: (UserDto | UserSummaryDto)[]; next_cursor: string | null }> {
  assertCan(ctx.actor, "users:read");
  const params = listUsersInput.parse(input);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const admin = can(ctx.actor, "users:manage");
  const page = await selectPeople(dbOf(ctx), {
    q: params.q,
    teamId: params.team_id,
    status: admin ? params.status : "active",
    cursor,
    limit: params.limit,
  });
  return admin ? page : { data: page.data.map(toSummary), next_cursor: page.next_cursor };
}
