"use client";

import { useActionState } from "react";

type State = { error: string | null; backupCodes: string[] | null };

const input =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20 focus:outline-none";

/** Scan (or type) the secret, confirm with a code, then see the backup codes once. */
export function MfaSetup({
  action,
  qrDataUrl,
  secret,
  enrolmentToken,
  reenrolling,
  continueTo,
}: {
  action: (prev: State, form: FormData) => Promise<State>;
  qrDataUrl: string;
  secret: string;
  enrolmentToken: string;
  reenrolling: boolean;
  continueTo: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, backupCodes: null });

  if (state.backupCodes) {
    return (
      <div className="mt-6 space-y-4" data-testid="mfa-backup-codes">
        <p className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Two-factor authentication is on. Your other sessions were signed out.
        </p>
        <p className="text-sm text-slate-700">
          Save these backup codes somewhere safe. Each works once if you lose your phone.{" "}
          <strong>They will not be shown again.</strong>
        </p>
        <ul className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm">
          {state.backupCodes.map((code) => (
            <li key={code} data-testid="backup-code">
              {code}
            </li>
          ))}
        </ul>
        <a
          href={continueTo}
          className="block w-full rounded-md bg-emerald-700 px-3 py-2 text-center text-sm font-medium text-white hover:bg-emerald-800"
        >
          I saved them, continue
        </a>
      </div>
    );
  }

  return (
    <form action={formAction} className="mt-6 space-y-4">
      <input type="hidden" name="enrolment_token" value={enrolmentToken} />
      <ol className="list-decimal space-y-3 pl-5 text-sm text-slate-700">
        <li>
          Scan this code with an authenticator app (Google Authenticator, 1Password, Authy…).
          <img
            src={qrDataUrl}
            alt="QR code for your authenticator app"
            width={180}
            height={180}
            className="mt-2"
          />
          <span className="mt-2 block text-xs text-slate-500">
            Can&apos;t scan? Enter this key:{" "}
            <code
              data-testid="mfa-secret"
              className="rounded bg-slate-100 px-1 py-0.5 font-mono break-all select-all"
            >
              {secret}
            </code>
          </span>
        </li>
        <li>
          <label className="block">
            <span className="font-medium">Enter the 6-digit code it shows</span>
            <input
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              className={`${input} tracking-widest`}
            />
          </label>
        </li>
        {reenrolling && (
          <li>
            <label className="block">
              <span className="font-medium">Your current password</span>
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                className={input}
              />
            </label>
          </li>
        )}
      </ol>
      {state.error && (
        <p
          role="alert"
          data-testid="mfa-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
      >
        {pending ? "Checking…" : "Turn on two-factor authentication"}
      </button>
    </form>
  );
}
