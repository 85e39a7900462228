import type { Actor } from "@/lib/auth/actor";
import type { DbOrTx } from "@/lib/db/client";
import { ConflictError } from "@/lib/errors";
import { assertMayGrant } from "@/lib/roles";
import { lockActiveAdminIds } from "./queries";
import type { UserDto } from "./schemas";

/** Only a full admin may change an admin: a delegated users:manage cannot disable or demote one. */
export function assertMayChange(actor: Actor, target: UserDto): void {
  if (target.role === "admin") assertMayGrant(actor, { role: "admin", permissions: [] });
}

/** Refuses a change that would leave the workspace without an active admin (nobody could recover it). */
export async function assertNotLastAdmin(db: DbOrTx, target: UserDto, actor: Actor): Promise<void> {
  if (target.role !== "admin" || target.custom_role || target.status === "disabled") return;
  const admins = await lockActiveAdminIds(db);
  if (admins.filter((id) => id !== target.id).length > 0) return;
  const self = actor.type === "user" && actor.id === target.id;
  throw new ConflictError(
    self
      ? "You are the last active admin: make someone else an admin first"
      : `${target.name} is the last active admin: make someone else an admin first`,
  );
}
