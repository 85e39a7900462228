"use client";

import { useActionState } from "react";

type State = { error: string | null; done: boolean };

const input =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20 focus:outline-none";

export function PasswordForm({
  action,
  doneHref,
  redirectTo,
}: {
  action: (prev: State, form: FormData) => Promise<State>;
  doneHref?: string;
  /** Where to go once changed (the forced change after an invite); otherwise the form says it is done. */
  redirectTo?: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, done: false });
  if (state.done)
    return (
      <p
        role="status"
        data-testid="password-changed"
        className="mt-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
      >
        Password changed. Your other sessions were signed out.{" "}
        {doneHref && (
          <a href={doneHref} className="font-medium underline">
            Continue
          </a>
        )}
      </p>
    );
  return (
    <form action={formAction} className="mt-4 space-y-3">
      {redirectTo && <input type="hidden" name="redirect_to" value={redirectTo} />}
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Current password</span>
        <input
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          className={input}
        />
      </label>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">New password</span>
        <input
          name="new_password"
          aria-describedby="new-password-hint"
          type="password"
          autoComplete="new-password"
          minLength={12}
          maxLength={256}
          required
          className={input}
        />
      </label>
      <p id="new-password-hint" className="-mt-2 text-xs text-slate-500">
        At least 12 characters. A few unrelated words make a strong, memorable password.
      </p>
      <label className="block">
        <span className="text-sm font-medium text-slate-700">Repeat the new password</span>
        <input
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          className={input}
        />
      </label>
      {state.error && (
        <p
          role="alert"
          data-testid="password-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
      >
        {pending ? "Saving…" : "Change password"}
      </button>
    </form>
  );
}
