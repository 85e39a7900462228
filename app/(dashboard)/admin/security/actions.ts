"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { setSetting } from "@/lib/settings";

export async function setMfaRequiredForAllAction(form: FormData): Promise<void> {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  await setSetting({
    ctx: { actor },
    input: { key: "mfa.required_for_all", value: form.get("value") === "on" },
  });
  revalidatePath("/admin/security");
}
