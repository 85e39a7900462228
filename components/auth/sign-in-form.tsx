"use client";

import { useActionState, useState, useTransition } from "react";

type State = { error: string | null; step: "password" | "code" };

const input =
  "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-emerald-600 focus:ring-2 focus:ring-emerald-600/20 focus:outline-none";

/**
 * Email + password, then (for accounts with MFA) the authenticator code. The password stays in this
 * form's state only, and goes to the server again with the code; nothing is stored in the browser.
 */
export function SignInForm({
  action,
  next,
}: {
  action: (prev: State, form: FormData) => Promise<State>;
  next: string;
}) {
  const [state, formAction, pending] = useActionState(action, { error: null, step: "password" });
  const [, startTransition] = useTransition();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [backup, setBackup] = useState(false);
  // "Start over" dismisses the code step locally; a new server answer replaces `state` and counts again.
  const [dismissed, setDismissed] = useState<State | null>(null);
  const current = dismissed === state ? null : state;
  const askCode = current?.step === "code";

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData();
    data.set("email", email);
    data.set("password", password);
    data.set("next", next);
    if (askCode) data.set("code", code);
    startTransition(() => formAction(data));
  }

  function restart() {
    setPassword("");
    setCode("");
    setBackup(false);
    setDismissed(state);
  }

  return (
    <form onSubmit={submit} className="mt-6 space-y-4" noValidate={askCode}>
      {!askCode ? (
        <>
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Email</span>
            <input
              name="email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className={input}
            />
          </label>
          <label className="block">
            <span className="text-sm font-medium text-slate-700">Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              className={input}
            />
          </label>
        </>
      ) : (
        <div className="space-y-3">
          <p className="text-sm text-slate-600">
            {backup
              ? "Enter one of the backup codes you saved when you set up two-factor authentication."
              : "Enter the 6-digit code from your authenticator app."}
          </p>
          <label className="block">
            <span className="text-sm font-medium text-slate-700">
              {backup ? "Backup code" : "Authentication code"}
            </span>
            <input
              key={backup ? "backup" : "totp"}
              name="code"
              autoComplete="one-time-code"
              inputMode={backup ? "text" : "numeric"}
              pattern={backup ? undefined : "[0-9]{6}"}
              maxLength={backup ? 16 : 6}
              required
              autoFocus
              value={code}
              onChange={(e) => setCode(backup ? e.target.value : e.target.value.replace(/\D/g, ""))}
              className={`${input} tracking-widest`}
              placeholder={backup ? "XXXXX-XXXXX" : "123456"}
            />
          </label>
          <div className="flex justify-between text-xs">
            <button
              type="button"
              onClick={() => {
                setBackup(!backup);
                setCode("");
              }}
              className="text-emerald-700 hover:underline"
            >
              {backup ? "Use your authenticator app instead" : "Use a backup code"}
            </button>
            <button type="button" onClick={restart} className="text-slate-500 hover:underline">
              Start over
            </button>
          </div>
        </div>
      )}
      {current?.error && (
        <p
          role="alert"
          data-testid="sign-in-error"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {current.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-60"
      >
        {pending ? (askCode ? "Verifying…" : "Signing in…") : askCode ? "Verify" : "Sign in"}
      </button>
    </form>
  );
}
