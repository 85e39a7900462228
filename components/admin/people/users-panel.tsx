"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { RoleDto } from "@/lib/roles/schemas";
import type { TeamDto } from "@/lib/teams/schemas";
import type { InviteUserResult, UserDto } from "@/lib/users/schemas";
import { ErrorNote, SecretOnce, buttonClass, errorText, formatWhen, inputClass, peopleKeys } from "./shared";

const BUILT_IN = ["agent", "supervisor", "admin"] as const;

/** People admin: invite (one-time password shown once), role, teams, disable/enable, reset MFA. */
export function UsersPanel({ currentUserId }: { currentUserId: string }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<"active" | "disabled" | "all">("all");
  const [inviting, setInviting] = useState(false);
  const users = useQuery({
    queryKey: [...peopleKeys.users, status],
    queryFn: () => api<{ data: UserDto[] }>(`/api/v1/users?status=${status}&limit=200`),
  });
  const teams = useQuery({
    queryKey: peopleKeys.teams,
    queryFn: () => api<{ data: TeamDto[] }>("/api/v1/teams?limit=200"),
  });
  const roles = useQuery({
    queryKey: peopleKeys.roles,
    queryFn: () => api<{ data: RoleDto[] }>("/api/v1/roles?limit=200"),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: peopleKeys.users });

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">People</h1>
        <div className="flex items-center gap-2">
          <label className="text-sm text-slate-600">
            Show{" "}
            <select
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
              value={status}
              onChange={(e) => setStatus(e.target.value as typeof status)}
            >
              <option value="all">Everyone</option>
              <option value="active">Active</option>
              <option value="disabled">Disabled</option>
            </select>
          </label>
          <button type="button" className={buttonClass()} onClick={() => setInviting(true)}>
            Invite person
          </button>
        </div>
      </div>
      {inviting && (
        <InviteForm
          teams={teams.data?.data ?? []}
          roles={roles.data?.data ?? []}
          onClose={() => setInviting(false)}
          onCreated={() => void refresh()}
        />
      )}
      {users.isPending && <p className="mt-4 text-sm text-slate-500">Loading people…</p>}
      <ErrorNote error={users.error} />
      {users.data && users.data.data.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">Nobody here yet. Invite the first person.</p>
      )}
      {users.data && users.data.data.length > 0 && (
        <table className="mt-4 w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Person</th>
              <th className="py-2 pr-3">Role</th>
              <th className="py-2 pr-3">Teams</th>
              <th className="py-2 pr-3">MFA</th>
              <th className="py-2 pr-3">Last sign-in</th>
              <th className="py-2">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.data.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                self={user.id === currentUserId}
                teams={teams.data?.data ?? []}
                roles={roles.data?.data ?? []}
                onChanged={() => void refresh()}
              />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function InviteForm({
  teams,
  roles,
  onClose,
  onCreated,
}: {
  teams: TeamDto[];
  roles: RoleDto[];
  onClose: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("agent");
  const [teamIds, setTeamIds] = useState<string[]>([]);
  const invite = useMutation({
    mutationFn: () =>
      api<InviteUserResult>("/api/v1/users", {
        method: "POST",
        body: JSON.stringify({
          name,
          email,
          ...(role.startsWith("custom:") ? { custom_role_id: role.slice(7) } : { role }),
          team_ids: teamIds,
        }),
      }),
    onSuccess: onCreated,
  });
  if (invite.data)
    return (
      <section className="mt-4 rounded-lg border border-slate-200 bg-white p-4" aria-label="Invitation">
        <p className="text-sm">
          <strong>{invite.data.user.name}</strong> ({invite.data.user.email}) can now sign in. They will be
          asked to choose their own password.
        </p>
        <SecretOnce label="One-time initial password" value={invite.data.initial_password} onDone={onClose} />
      </section>
    );
  return (
    <form
      aria-label="Invite person"
      className="mt-4 grid max-w-xl gap-3 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        invite.mutate();
      }}
    >
      <label className="text-sm">
        Name
        <input
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          autoFocus
        />
      </label>
      <label className="text-sm">
        Email
        <input
          className={inputClass}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <label className="text-sm">
        Role
        <RoleSelect value={role} roles={roles} onChange={setRole} />
      </label>
      <TeamPicker teams={teams} value={teamIds} onChange={setTeamIds} />
      <ErrorNote error={invite.error} />
      <div className="flex gap-2">
        <button type="submit" className={buttonClass()} disabled={invite.isPending}>
          {invite.isPending ? "Inviting…" : "Invite"}
        </button>
        <button type="button" className={buttonClass("ghost")} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RoleSelect({
  value,
  roles,
  onChange,
  label,
}: {
  value: string;
  roles: RoleDto[];
  onChange: (value: string) => void;
  label?: string;
}) {
  return (
    <select
      aria-label={label}
      className={inputClass}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    >
      {BUILT_IN.map((r) => (
        <option key={r} value={r}>
          {r[0]!.toUpperCase() + r.slice(1)}
        </option>
      ))}
      {roles.length > 0 && (
        <optgroup label="Custom roles">
          {roles.map((r) => (
            <option key={r.id} value={`custom:${r.id}`}>
              {r.name} (as {r.base_role})
            </option>
          ))}
        </optgroup>
      )}
    </select>
  );
}

function TeamPicker({
  teams,
  value,
  onChange,
}: {
  teams: TeamDto[];
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  return (
    <fieldset className="text-sm">
      <legend>Teams</legend>
      {teams.length === 0 && <p className="text-xs text-slate-500">No teams yet.</p>}
      <div className="mt-1 flex flex-wrap gap-3">
        {teams.map((t) => (
          <label key={t.id} className="flex items-center gap-1">
            <input
              type="checkbox"
              checked={value.includes(t.id)}
              onChange={(e) =>
                onChange(e.target.checked ? [...value, t.id] : value.filter((id) => id !== t.id))
              }
            />
            {t.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function UserRow({
  user,
  self,
  teams,
  roles,
  onChanged,
}: {
  user: UserDto;
  self: boolean;
  teams: TeamDto[];
  roles: RoleDto[];
  onChanged: () => void;
}) {
  const [editingTeams, setEditingTeams] = useState(false);
  const [teamIds, setTeamIds] = useState(user.teams.map((t) => t.id));
  const action = useMutation({
    mutationFn: (req: { path: string; method: string; body?: unknown }) =>
      api<UserDto>(req.path, {
        method: req.method,
        ...(req.body ? { body: JSON.stringify(req.body) } : {}),
      }),
    onSuccess: onChanged,
  });
  const base = `/api/v1/users/${user.id}`;
  const roleValue = user.custom_role ? `custom:${user.custom_role.id}` : user.role;
  return (
    <tr className="border-b border-slate-100 align-top" data-testid="user-row" data-email={user.email}>
      <td className="py-2 pr-3">
        <div className="font-medium">
          {user.name} {self && <span className="text-xs text-slate-500">(you)</span>}
        </div>
        <div className="text-xs text-slate-500">{user.email}</div>
        {user.status === "disabled" && (
          <span className="mt-1 inline-block rounded-full bg-red-100 px-2 text-xs text-red-800">
            Disabled
          </span>
        )}
        {user.must_change_password && (
          <span className="mt-1 inline-block rounded-full bg-amber-100 px-2 text-xs text-amber-800">
            Password change pending
          </span>
        )}
      </td>
      <td className="py-2 pr-3">
        <RoleSelect
          label={`Role of ${user.name}`}
          value={roleValue}
          roles={roles}
          onChange={(value) => {
            const body = value.startsWith("custom:")
              ? { custom_role_id: value.slice(7) }
              : { role: value, custom_role_id: null };
            if (window.confirm(`Change ${user.name}'s role? They will be signed out everywhere.`))
              action.mutate({ path: base, method: "PATCH", body });
          }}
        />
      </td>
      <td className="py-2 pr-3">
        {editingTeams ? (
          <div>
            <TeamPicker teams={teams} value={teamIds} onChange={setTeamIds} />
            <div className="mt-1 flex gap-1">
              <button
                type="button"
                className={buttonClass("secondary")}
                onClick={() =>
                  action.mutate(
                    { path: base, method: "PATCH", body: { team_ids: teamIds } },
                    { onSuccess: () => setEditingTeams(false) },
                  )
                }
              >
                Save teams
              </button>
              <button type="button" className={buttonClass("ghost")} onClick={() => setEditingTeams(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="text-left hover:underline"
            onClick={() => setEditingTeams(true)}
            aria-label={`Edit teams of ${user.name}`}
          >
            {user.teams.length
              ? user.teams.map((t) => t.name + (t.is_manager ? " (manager)" : "")).join(", ")
              : "No team"}
          </button>
        )}
      </td>
      <td className="py-2 pr-3">{user.mfa_enabled ? "On" : "Off"}</td>
      <td className="py-2 pr-3 text-xs text-slate-600">{formatWhen(user.last_sign_in_at)}</td>
      <td className="py-2">
        <div className="flex flex-wrap gap-1">
          {user.status === "active" ? (
            <button
              type="button"
              className={buttonClass("danger")}
              disabled={action.isPending}
              onClick={() => {
                if (window.confirm(`Disable ${user.name}? They are signed out at once.`))
                  action.mutate({ path: `${base}/disable`, method: "POST" });
              }}
            >
              Disable
            </button>
          ) : (
            <button
              type="button"
              className={buttonClass("secondary")}
              disabled={action.isPending}
              onClick={() => action.mutate({ path: `${base}/enable`, method: "POST" })}
            >
              Enable
            </button>
          )}
          <button
            type="button"
            className={buttonClass("secondary")}
            disabled={action.isPending || !user.mfa_enabled}
            title={user.mfa_enabled ? undefined : "MFA is not set up"}
            onClick={() => {
              if (window.confirm(`Reset ${user.name}'s MFA? They must enrol again and are signed out.`))
                action.mutate({ path: `${base}/reset-mfa`, method: "POST" });
            }}
          >
            Reset MFA
          </button>
        </div>
        {action.error && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {errorText(action.error)}
          </p>
        )}
      </td>
    </tr>
  );
}
