"use client";

import { useState } from "react";

/** A secret shown once, right after it was generated: copy it now, it is never shown again. */
export function ShowOnce({
  label,
  value,
  onDismiss,
}: {
  label: string;
  value: string;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      role="status"
      data-testid="show-once"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
    >
      <p className="font-medium text-amber-900">{label}: copy it now, it won&apos;t be shown again.</p>
      <div className="flex items-center gap-2">
        <code
          data-testid="show-once-value"
          className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs"
        >
          {value}
        </code>
        <button
          type="button"
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-50"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="text-xs text-slate-600 hover:underline" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
