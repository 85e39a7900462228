"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/lib/auth/config";

export type SignInState = {
  error: string | null;
  /** "code" once the password was right and the account needs its authenticator (or a backup code). */
  step: "password" | "code";
};

// Public endpoint: anyone may call it; next-auth checks the credentials, the throttle runs in authorize.
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const code = String(form.get("code") ?? "").trim();
  const step = code ? "code" : "password";
  try {
    await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      ...(code ? { code } : {}),
      redirectTo: safeRedirect(String(form.get("next") ?? "/inbox")),
    });
    return { error: null, step };
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      if (error.code === "mfa_required") return { error: null, step: "code" };
      if (error.code === "mfa_failed")
        return { error: "That code is not valid. Check your authenticator app and try again.", step: "code" };
      const throttled = /^throttled:(\d+)$/.exec(error.code);
      if (throttled) return { error: `Too many attempts, try again in ${throttled[1]} s.`, step };
    }
    // One message for unknown user and wrong password alike: no account enumeration.
    if (error instanceof AuthError) return { error: "Email or password is incorrect.", step: "password" };
    throw error; // next's redirect is thrown on success and must propagate
  }
}

function safeRedirect(target: string): string {
  return target.startsWith("/") && !target.startsWith("//") ? target : "/inbox";
}
