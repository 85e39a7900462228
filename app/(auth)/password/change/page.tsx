import { redirect } from "next/navigation";
import { currentSession } from "@/lib/auth/current-actor";
import { PasswordForm } from "@/components/account/password-form";
import { changePasswordAction } from "./actions";

export const dynamic = "force-dynamic";

// Invited users (or after an admin reset) choose their own password here before anything else.
export default async function ChangePasswordPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in");
  if (session.mfaPending) redirect("/mfa/setup");
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">Choose your password</h1>
        <p className="mt-1 text-sm text-slate-500">
          {session.passwordChangeRequired
            ? "You signed in with a temporary password. Choose your own to continue."
            : "Change the password you sign in with."}
        </p>
        <PasswordForm action={changePasswordAction} redirectTo="/inbox" />
      </div>
    </main>
  );
}
