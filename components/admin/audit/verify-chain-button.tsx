"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/lib/client/api";
import type { AuditVerifyDto } from "@/lib/audit/schemas";

const reasons: Record<string, string> = {
  hash_mismatch: "its content was changed after it was written",
  prev_hash_mismatch: "it does not follow the row before it (rows were moved or altered)",
  rows_missing: "rows before it were deleted",
  anchor_mismatch: "the end of the log does not match the recorded head",
  anchor_missing: "the recorded head of the log is missing",
};

/** Walks the whole chain on the server (can take a while on a big log) and says where it breaks, if anywhere. */
export function VerifyChainButton() {
  const verify = useMutation({
    mutationFn: () => api<AuditVerifyDto>("/api/v1/audit/verify", { method: "POST" }),
  });
  const elapsed = useElapsed(verify.isPending);
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        data-testid="audit-verify"
        disabled={verify.isPending}
        onClick={() => verify.mutate()}
        className="flex items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60"
      >
        {verify.isPending && (
          <span
            aria-hidden
            className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-slate-300 border-t-emerald-700"
          />
        )}
        {verify.isPending ? `Verifying… ${elapsed}s` : "Verify chain"}
      </button>
      {verify.data && (
        <p
          data-testid="audit-verify-result"
          role="status"
          className={`rounded-md px-3 py-1.5 text-sm ${
            verify.data.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"
          }`}
        >
          {verify.data.ok
            ? `Chain intact: ${verify.data.rows.toLocaleString()} rows${
                verify.data.lastId !== null ? `, head #${verify.data.lastId}` : ""
              } (${(verify.data.duration_ms / 1000).toFixed(1)} s)`
            : `Broken at #${verify.data.brokenAt}: ${reasons[verify.data.reason] ?? verify.data.reason}. ${verify.data.detail}`}
        </p>
      )}
      {verify.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-1.5 text-sm text-red-800">
          Could not verify: {verify.error.message}
        </p>
      )}
    </div>
  );
}

function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    const started = Date.now();
    setSeconds(0);
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}
