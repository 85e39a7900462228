"use server";

import { redirect } from "next/navigation";
import { changePassword } from "@/lib/auth";
import { currentSession } from "@/lib/auth/current-actor";
import { AppError } from "@/lib/errors";

export type ChangePasswordState = { error: string | null; done: boolean };

// Used by the forced change after an invite and by the account page; needs a signed-in session.
export async function changePasswordAction(
  _prev: ChangePasswordState,
  form: FormData,
): Promise<ChangePasswordState> {
  const session = await currentSession();
  if (!session) return { error: "Your session has ended. Sign in again.", done: false };
  const next = String(form.get("new_password") ?? "");
  if (next !== String(form.get("confirm_password") ?? ""))
    return { error: "The two new passwords do not match.", done: false };
  try {
    await changePassword({
      ctx: { actor: session.actor },
      input: { current_password: String(form.get("current_password") ?? ""), new_password: next },
    });
  } catch (error) {
    if (error instanceof AppError) return { error: error.message, done: false };
    throw error;
  }
  // The forced change (after an invite) moves on by itself; the account page stays and says it is done.
  const to = String(form.get("redirect_to") ?? "");
  if (to.startsWith("/") && !to.startsWith("//")) redirect(to);
  return { error: null, done: true };
}
