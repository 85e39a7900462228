"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { defaultSendRate, type NumberDto, type UpdateNumberInput } from "@/lib/numbers/schemas";

type Team = { id: string; name: string };

/** Throughput, default team and token of one number; the token field is write-only (never prefilled). */
export function NumberSettings({ number, teams }: { number: NumberDto; teams: Team[] }) {
  const queryClient = useQueryClient();
  const [rate, setRate] = useState(number.send_rate_limit?.toString() ?? "");
  const [teamId, setTeamId] = useState(number.default_team_id ?? "");
  const [token, setToken] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (changes: UpdateNumberInput) =>
      api<NumberDto>(`/api/v1/numbers/${number.id}`, { method: "PATCH", body: JSON.stringify(changes) }),
    onSuccess: (saved) => {
      setRate(saved.send_rate_limit?.toString() ?? "");
      setTeamId(saved.default_team_id ?? "");
      setToken("");
      setNotice("Saved.");
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers });
    },
    onError: () => setNotice(null),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: UpdateNumberInput = {};
    const nextRate = rate.trim() === "" ? null : Number(rate);
    if (nextRate !== number.send_rate_limit) changes.send_rate_limit = nextRate;
    const nextTeam = teamId === "" ? null : teamId;
    if (nextTeam !== number.default_team_id) changes.default_team_id = nextTeam;
    if (token.trim()) changes.access_token = token.trim();
    if (Object.keys(changes).length === 0) {
      setNotice("Nothing changed.");
      return;
    }
    save.mutate(changes);
  };
  const error = save.error instanceof ApiError ? save.error : null;
  const field = typeof error?.details.field === "string" ? error.details.field : null;
  const id = (name: string) => `${name}-${number.id}`;
  return (
    // noValidate: the server's 422 names the field, one message for the browser and the API alike.
    <form
      onSubmit={submit}
      noValidate
      className="mt-4 grid gap-3 border-t border-slate-100 pt-3 text-sm sm:grid-cols-3"
    >
      <div>
        <label htmlFor={id("rate")} className="block text-xs text-slate-500">
          Throughput (messages/s)
        </label>
        <input
          id={id("rate")}
          name="send_rate_limit"
          type="number"
          min={1}
          max={1000}
          value={rate}
          onChange={(e) => setRate(e.target.value)}
          placeholder={`Meta default: ${defaultSendRate(number.coexistence)}`}
          aria-invalid={field === "send_rate_limit"}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
        />
        <p className="mt-1 text-xs text-slate-500">
          Now {number.effective_send_rate}/s. Empty = Meta&apos;s default.
        </p>
      </div>
      <div>
        <label htmlFor={id("team")} className="block text-xs text-slate-500">
          Default team
        </label>
        <select
          id={id("team")}
          name="default_team_id"
          value={teamId}
          onChange={(e) => setTeamId(e.target.value)}
          aria-invalid={field === "default_team_id"}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
        >
          <option value="">No team (supervisors triage)</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={id("token")} className="block text-xs text-slate-500">
          Access token {number.has_access_token ? "(stored; enter a new one to replace it)" : "(none stored)"}
        </label>
        <input
          id={id("token")}
          name="access_token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={field === "access_token"}
          className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
        />
      </div>
      <div className="flex items-center gap-3 sm:col-span-3">
        <button
          type="submit"
          disabled={save.isPending}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
        >
          {save.isPending ? "Saving…" : "Save settings"}
        </button>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error.message}
          </p>
        )}
        {notice && !error && (
          <p role="status" className="text-sm text-emerald-700">
            {notice}
          </p>
        )}
      </div>
    </form>
  );
}
