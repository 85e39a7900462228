import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { assertCanAny, ROLE_READERS } from "./grant";
import { selectRoles } from "./queries";
import { listRolesInput, type ListRolesInput, type RoleDto } from "./schemas";

/** Custom roles, oldest first, with how many users and API keys hold each. */
export async function listRoles({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListRolesInput;
}): Promise<{ data: RoleDto[]; next_cursor: string | null }> {
  assertCanAny(ctx.actor, ROLE_READERS);
  const params = listRolesInput.parse(input);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  return selectRoles(dbOf(ctx), { cursor, limit: params.limit });
}
