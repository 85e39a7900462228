"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { TeamDto } from "@/lib/teams/schemas";
import type { UserSummaryDto } from "@/lib/users/schemas";
import { ErrorNote, buttonClass, errorText, inputClass, peopleKeys } from "./shared";

/** Teams and rosters. Team managers see and edit only the rosters of the teams they manage. */
export function TeamsPanel({ canManage }: { canManage: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const teams = useQuery({
    queryKey: peopleKeys.teams,
    queryFn: () => api<{ data: TeamDto[] }>("/api/v1/teams?limit=200"),
  });
  const people = useQuery({
    queryKey: [...peopleKeys.users, "summary"],
    queryFn: () => api<{ data: UserSummaryDto[] }>("/api/v1/users?limit=200"),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: peopleKeys.teams });
  const create = useMutation({
    mutationFn: () => api<TeamDto>("/api/v1/teams", { method: "POST", body: JSON.stringify({ name }) }),
    onSuccess: () => {
      setName("");
      void refresh();
    },
  });
  const visible = (teams.data?.data ?? []).filter((t) => canManage || t.can.edit_roster);

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Teams</h1>
      {canManage && (
        <form
          className="mt-3 flex max-w-md gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <input
            aria-label="New team name"
            placeholder="New team name"
            className={inputClass}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <button type="submit" className={buttonClass()} disabled={create.isPending}>
            Create team
          </button>
        </form>
      )}
      <ErrorNote error={create.error ?? teams.error} />
      {teams.isPending && <p className="mt-4 text-sm text-slate-500">Loading teams…</p>}
      {teams.data && visible.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">
          {canManage ? "No teams yet. Create the first one." : "You do not manage any team."}
        </p>
      )}
      <div className="mt-4 space-y-4">
        {visible.map((team) => (
          <TeamCard
            key={team.id}
            team={team}
            people={people.data?.data ?? []}
            onChanged={() => void refresh()}
          />
        ))}
      </div>
    </div>
  );
}

function TeamCard({
  team,
  people,
  onChanged,
}: {
  team: TeamDto;
  people: UserSummaryDto[];
  onChanged: () => void;
}) {
  const [rename, setRename] = useState<string | null>(null);
  const [adding, setAdding] = useState("");
  const call = useMutation({
    mutationFn: (req: { path: string; method: string; body?: unknown }) =>
      api(req.path, { method: req.method, ...(req.body ? { body: JSON.stringify(req.body) } : {}) }),
    onSuccess: onChanged,
  });
  const base = `/api/v1/teams/${team.id}`;
  const members = team.members ?? [];
  const candidates = people.filter((p) => !members.some((m) => m.user_id === p.id));
  return (
    <section
      className="rounded-lg border border-slate-200 bg-white p-4"
      data-testid="team-card"
      aria-label={team.name}
    >
      <div className="flex items-center justify-between gap-2">
        {rename === null ? (
          <h2 className="font-medium">
            {team.name} <span className="text-xs text-slate-500">· {team.member_count} members</span>
          </h2>
        ) : (
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              call.mutate(
                { path: base, method: "PATCH", body: { name: rename } },
                { onSuccess: () => setRename(null) },
              );
            }}
          >
            <input
              aria-label="Team name"
              className={inputClass}
              value={rename}
              onChange={(e) => setRename(e.target.value)}
            />
            <button type="submit" className={buttonClass("secondary")}>
              Save
            </button>
          </form>
        )}
        {team.can.manage && (
          <div className="flex gap-1">
            <button type="button" className={buttonClass("ghost")} onClick={() => setRename(team.name)}>
              Rename
            </button>
            <button
              type="button"
              className={buttonClass("danger")}
              onClick={() => {
                if (window.confirm(`Delete ${team.name}? Its conversations stay, without a team.`))
                  call.mutate({ path: base, method: "DELETE" });
              }}
            >
              Delete
            </button>
          </div>
        )}
      </div>
      {members.length === 0 && <p className="mt-2 text-sm text-slate-500">No members yet.</p>}
      <ul className="mt-2 divide-y divide-slate-100">
        {members.map((m) => (
          <li key={m.user_id} className="flex items-center justify-between py-1.5 text-sm">
            <span>
              {m.name}{" "}
              <span className="text-xs text-slate-500">
                {m.email} · {m.role}
              </span>
              {m.disabled && <span className="ml-1 text-xs text-red-700">disabled</span>}
            </span>
            <span className="flex items-center gap-2">
              <label className="flex items-center gap-1 text-xs">
                <input
                  type="checkbox"
                  checked={m.is_manager}
                  disabled={!team.can.set_managers || call.isPending}
                  onChange={(e) =>
                    call.mutate({
                      path: `${base}/members/${m.user_id}`,
                      method: "PATCH",
                      body: { is_manager: e.target.checked },
                    })
                  }
                />
                Manager
              </label>
              {team.can.edit_roster && (
                <button
                  type="button"
                  className={buttonClass("ghost")}
                  disabled={call.isPending || (m.is_manager && !team.can.set_managers)}
                  aria-label={`Remove ${m.name} from ${team.name}`}
                  onClick={() => call.mutate({ path: `${base}/members/${m.user_id}`, method: "DELETE" })}
                >
                  Remove
                </button>
              )}
            </span>
          </li>
        ))}
      </ul>
      {team.can.edit_roster && (
        <form
          className="mt-2 flex gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (adding)
              call.mutate(
                { path: `${base}/members`, method: "POST", body: { user_id: adding } },
                { onSuccess: () => setAdding("") },
              );
          }}
        >
          <select
            aria-label={`Add a member to ${team.name}`}
            className={inputClass}
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
          >
            <option value="">Add a member…</option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
          </select>
          <button type="submit" className={buttonClass("secondary")} disabled={!adding || call.isPending}>
            Add
          </button>
        </form>
      )}
      {call.error && (
        <p role="alert" className="mt-2 text-xs text-red-700">
          {errorText(call.error)}
        </p>
      )}
    </section>
  );
}
