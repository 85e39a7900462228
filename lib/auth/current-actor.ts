import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import type { Actor } from "./actor";
import { sessionFromHeaders, type SessionState } from "./session";

export const MFA_SETUP_PATH = "/mfa/setup";
export const PASSWORD_CHANGE_PATH = "/password/change";

/**
 * For server components and server actions: the signed-in actor, or undefined. A session that still has
 * to set up MFA is sent to the enrolment page instead, and an invited user to choose a password first.
 */
export const currentActor = cache(async (): Promise<Actor | undefined> => {
  const session = await currentSession();
  if (!session) return undefined;
  if (session.mfaPending) redirect(MFA_SETUP_PATH);
  if (session.passwordChangeRequired) redirect(PASSWORD_CHANGE_PATH);
  return session.actor;
});

/** The session including a pending MFA enrolment: for the enrolment page and its actions only. */
export const currentSession = cache(async (): Promise<SessionState | undefined> => {
  return sessionFromHeaders(await headers());
});
