"use client";

import { useConnectionState } from "@/lib/client/connection";

/** Covers the page once the server ended this session (no reload needed to lose access). */
export function SignedOutNotice() {
  const state = useConnectionState();
  if (state !== "signed_out") return null;
  return (
    <div
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="signed-out-title"
      data-testid="signed-out"
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/60 p-6"
    >
      <div className="w-full max-w-sm rounded-xl bg-white p-6 shadow-lg">
        <h2 id="signed-out-title" className="text-lg font-semibold">
          You have been signed out
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          This session ended: it was signed out from another device, it expired, or an admin changed your
          access.
        </p>
        <a
          href="/sign-in"
          className="mt-4 block rounded-md bg-emerald-700 px-3 py-2 text-center text-sm font-medium text-white hover:bg-emerald-800"
        >
          Sign in again
        </a>
      </div>
    </div>
  );
}
