import { redirect } from "next/navigation";
import { startMfaEnrolment } from "@/lib/auth";
import { currentSession } from "@/lib/auth/current-actor";
import { MfaSetup } from "@/components/auth/mfa-setup";
import { confirmMfaAction } from "./actions";

export const dynamic = "force-dynamic";

// Outside the dashboard layout on purpose: a session that must enrol is sent here from every other page.
export default async function MfaSetupPage() {
  const session = await currentSession();
  if (!session) redirect("/sign-in?next=/mfa/setup");
  const start = await startMfaEnrolment({ ctx: { actor: session.actor } });
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">
          {start.reenrolling ? "Replace your authenticator" : "Set up two-factor authentication"}
        </h1>
        <p className="mt-1 text-sm text-slate-500">
          {session.mfaPending
            ? "Your workspace requires a second step at sign-in. Set it up to continue."
            : "Sign-ins will ask for a code from an authenticator app on your phone."}
        </p>
        <MfaSetup
          action={confirmMfaAction}
          qrDataUrl={start.qr_data_url}
          secret={start.secret}
          enrolmentToken={start.enrolment_token}
          reenrolling={start.reenrolling}
          continueTo={session.mfaPending ? "/inbox" : "/account"}
        />
      </div>
    </main>
  );
}
