"use server";

import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth/config";

export type SignInState = { error: string | null };

// Public endpoint: anyone may call it; next-auth checks its own CSRF token and the credentials.
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirectTo: safeRedirect(String(form.get("next") ?? "/inbox")),
    });
    return { error: null };
  } catch (error) {
    // One message for unknown user and wrong password alike: no account enumeration.
    if (error instanceof AuthError) return { error: "Email or password is incorrect." };
    throw error; // next's redirect is thrown on success and must propagate
  }
}

function safeRedirect(target: string): string {
  return target.startsWith("/") && !target.startsWith("//") ? target : "/inbox";
}
