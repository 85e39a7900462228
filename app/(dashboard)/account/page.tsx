import Link from "next/link";
import { redirect } from "next/navigation";
import { getMe, listMySessions } from "@/lib/auth";
import { currentActor } from "@/lib/auth/current-actor";
import { PasswordForm } from "@/components/account/password-form";
import { changePasswordAction } from "@/app/(auth)/password/change/actions";
import { revokeSessionAction, signOutEverywhereAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user") redirect("/sign-in");
  const ctx = { actor };
  const [me, sessions] = await Promise.all([getMe({ ctx }), listMySessions({ ctx })]);
  return (
    <main className="mx-auto max-w-3xl space-y-8 overflow-y-auto p-6">
      <header>
        <h1 className="text-xl font-semibold">Your account</h1>
        <p className="text-sm text-slate-500">
          {me.name} · {me.email} · {me.role}
        </p>
      </header>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">Two-factor authentication</h2>
        <p className="mt-1 text-sm text-slate-600" data-testid="mfa-status">
          {me.mfa_enabled
            ? "On: sign-ins ask for a code from your authenticator app."
            : "Off: add an authenticator app so a stolen password is not enough."}
        </p>
        <Link
          href="/mfa/setup"
          className="mt-3 inline-block rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
        >
          {me.mfa_enabled ? "Replace authenticator" : "Set up two-factor authentication"}
        </Link>
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">Password</h2>
        <PasswordForm action={changePasswordAction} />
      </section>

      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <div className="flex items-center justify-between">
          <h2 className="font-medium">Where you are signed in</h2>
          <form action={signOutEverywhereAction}>
            <button
              type="submit"
              className="rounded-md border border-red-200 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50"
            >
              Sign out everywhere
            </button>
          </form>
        </div>
        <ul className="mt-3 divide-y divide-slate-100" data-testid="session-list">
          {sessions.map((s) => (
            <li
              key={s.id}
              className="flex items-center justify-between gap-4 py-3 text-sm"
              data-testid="session-row"
            >
              <div className="min-w-0">
                <p className="font-medium">
                  {s.device}
                  {s.current && (
                    <span className="ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800">
                      This device
                    </span>
                  )}
                </p>
                <p className="truncate text-xs text-slate-500" title={s.user_agent ?? undefined}>
                  {s.ip ?? "unknown address"} · signed in {formatTime(s.created_at)} · last active{" "}
                  {formatTime(s.last_seen_at)}
                </p>
              </div>
              <form action={revokeSessionAction}>
                <input type="hidden" name="id" value={s.id} />
                <button type="submit" className="rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100">
                  {s.current ? "Sign out" : "End session"}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

function formatTime(iso: string): string {
  return (
    new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) +
    " UTC"
  );
}
