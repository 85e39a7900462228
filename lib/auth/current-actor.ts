import { headers } from "next/headers";
import type { Actor } from "./actor";
import { actorFromHeaders } from "./session";

/** For server components and server actions: the signed-in actor, or undefined. */
export async function currentActor(): Promise<Actor | undefined> {
  return actorFromHeaders(await headers());
}
