import { assertCan, can } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { selectPerson, toSummary } from "./queries";
import type { UserDto, UserSummaryDto } from "./schemas";

export async function getUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<UserDto | UserSummaryDto> {
  assertCan(ctx.actor, "users:read");
  const user = await selectPerson(dbOf(ctx), input.id);
  const admin = can(ctx.actor, "users:manage");
  if (!user || (!admin && user.status === "disabled")) throw new NotFoundError("User");
  return admin ? user : toSummary(user);
}
