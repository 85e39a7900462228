import type { Actor } from "@/lib/auth/actor";
import { can } from "@/lib/auth/permissions";
import { ForbiddenError } from "@/lib/errors";

/** Team managers (teams:roster) edit only the teams they manage; teams:manage edits any team. */
export function mayEditRoster(actor: Actor, teamId: string): boolean {
  if (can(actor, "teams:manage")) return true;
  return actor.type === "user" && can(actor, "teams:roster") && (actor.managedTeamIds ?? []).includes(teamId);
}

export function mayViewRoster(actor: Actor, teamId: string): boolean {
  return mayEditRoster(actor, teamId) || (actor.type === "user" && actor.teamIds.includes(teamId));
}

export function teamAbilities(actor: Actor, teamId: string) {
  const manage = can(actor, "teams:manage");
  return { manage, edit_roster: mayEditRoster(actor, teamId), set_managers: manage };
}

/** First line of every roster verb: the actor holds a roster permission at all. */
export function assertRosterPermission(actor: Actor): void {
  if (!can(actor, "teams:manage") && !can(actor, "teams:roster")) throw new ForbiddenError();
}
