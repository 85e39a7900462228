import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { assertCanAny, ROLE_READERS } from "./grant";
import { selectRole } from "./queries";
import type { RoleDto } from "./schemas";

export async function getRole({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<RoleDto> {
  assertCanAny(ctx.actor, ROLE_READERS);
  const role = await selectRole(dbOf(ctx), input.id);
  if (!role) throw new NotFoundError("Role");
  return role;
}
