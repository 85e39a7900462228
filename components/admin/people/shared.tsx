"use client";

import { useState } from "react";
import { ApiError } from "@/lib/client/api";

// Small pieces the people-admin panels share: a secret shown once, error text, and buttons.

export const peopleKeys = {
  users: ["people", "users"] as const,
  teams: ["people", "teams"] as const,
  roles: ["people", "roles"] as const,
  permissions: ["people", "permissions"] as const,
  apiKeys: ["people", "api-keys"] as const,
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : "Something went wrong";
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
      {errorText(error)}
    </p>
  );
}

/** A secret the server returns once: shown with a copy button and a warning that it will not be shown again. */
export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      role="status"
      className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
      data-testid="secret-once"
    >
      <p className="font-medium text-amber-900">{label}</p>
      <p className="text-xs text-amber-800">
        Copy it now: it is shown only once and cannot be retrieved later.
      </p>
      <div className="mt-2 flex items-center gap-2">
        <code
          data-testid="secret-value"
          className="flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs"
        >
          {value}
        </code>
        <button
          type="button"
          className={buttonClass("secondary")}
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <button type="button" className={`mt-2 ${buttonClass("ghost")}`} onClick={onDone}>
        I have saved it
      </button>
    </div>
  );
}

export function buttonClass(kind: "primary" | "secondary" | "ghost" | "danger" = "primary"): string {
  const base =
    "rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 disabled:opacity-50";
  const tone = {
    primary: "bg-emerald-700 text-white hover:bg-emerald-800",
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
    ghost: "text-slate-700 hover:bg-slate-100",
    danger: "border border-red-300 bg-white text-red-700 hover:bg-red-50",
  }[kind];
  return `${base} ${tone}`;
}

export const inputClass =
  "w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-emerald-600 focus:outline-none focus:ring-1 focus:ring-emerald-600";

export function Forbidden({ what }: { what: string }) {
  return (
    <div className="p-6" data-testid="forbidden">
      <h1 className="text-lg font-semibold">403 · Not allowed</h1>
      <p className="mt-2 text-sm text-slate-600">
        You do not have permission to {what}. Ask an admin if you need it.
      </p>
    </div>
  );
}

export function formatWhen(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}
