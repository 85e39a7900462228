import { ForbiddenError, UnauthenticatedError } from "@/lib/errors";
import type { Actor, UserActor } from "./actor";

/** The signed-in person behind a browser session (self-service verbs need one, not an API key or a job). */
export function requireSessionUser(
  actor: Actor,
): UserActor & { via: { kind: "session"; sessionId: string } } {
  if (actor.type !== "user") throw new UnauthenticatedError();
  if (actor.via?.kind !== "session" || !actor.via.sessionId)
    throw new ForbiddenError("Only a signed-in browser session can do this");
  return actor as UserActor & { via: { kind: "session"; sessionId: string } };
}
