import type { Permission } from "./permissions";

export type Role = "admin" | "supervisor" | "agent";

/**
 * Who is acting: every verb receives one and checks it first (STYLE.md habit 3).
 * `role` sets object scope; `permissions`, when present (custom role or API key), replaces the role's
 * permission list. `managedTeamIds` are the teams whose roster this user manages.
 */
export type UserActor = {
  type: "user";
  id: string;
  role: Role;
  teamIds: string[];
  permissions?: readonly Permission[];
  managedTeamIds?: string[];
  /** How the request authenticated: a browser session (with its id) or a REST API key. */
  via?: { kind: "session"; sessionId?: string } | { kind: "api_key"; keyId: string };
};

export type Actor = UserActor | { type: "system"; name: string };

export const systemActor = (name: string): Actor => ({ type: "system", name });

/**
 * The person behind an actor, for columns that reference users (author, created_by...): null for the
 * system and for REST API keys, whose id names the key (audit rows) but is not a user.
 */
export function personId(actor: Actor): string | null {
  return actor.type === "user" && actor.via?.kind !== "api_key" ? actor.id : null;
}
