"use server";

import { confirmMfaEnrolment } from "@/lib/auth";
import { currentSession } from "@/lib/auth/current-actor";
import { AppError } from "@/lib/errors";

export type ConfirmMfaState = { error: string | null; backupCodes: string[] | null };

// Open to a signed-in session even while MFA enrolment is pending (that is what it is for).
export async function confirmMfaAction(_prev: ConfirmMfaState, form: FormData): Promise<ConfirmMfaState> {
  const session = await currentSession();
  if (!session) return { error: "Your session has ended. Sign in again.", backupCodes: null };
  try {
    const password = form.get("password");
    const result = await confirmMfaEnrolment({
      ctx: { actor: session.actor },
      input: {
        enrolment_token: String(form.get("enrolment_token") ?? ""),
        code: String(form.get("code") ?? ""),
        ...(typeof password === "string" && password ? { password } : {}),
      },
    });
    return { error: null, backupCodes: result.backup_codes };
  } catch (error) {
    if (error instanceof AppError) return { error: error.message, backupCodes: null };
    throw error;
  }
}
