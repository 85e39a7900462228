"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { revokeMySession, signOutEverywhere } from "@/lib/auth";
import { signOut } from "@/lib/auth/config";
import { currentActor } from "@/lib/auth/current-actor";

export async function revokeSessionAction(form: FormData): Promise<void> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  const result = await revokeMySession({ ctx: { actor }, input: { id: String(form.get("id") ?? "") } });
  if (result.current) await signOut({ redirectTo: "/sign-in" });
  revalidatePath("/account");
}

export async function signOutEverywhereAction(): Promise<void> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  await signOutEverywhere({ ctx: { actor } });
  await signOut({ redirectTo: "/sign-in" });
}
