"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { PermissionInfo, RoleDto } from "@/lib/roles/schemas";
import { ErrorNote, buttonClass, inputClass, peopleKeys } from "./shared";

type Draft = {
  id?: string;
  name: string;
  description: string;
  base_role: RoleDto["base_role"];
  permissions: string[];
};
const empty: Draft = { name: "", description: "", base_role: "agent", permissions: [] };

/** Custom roles: a permission editor grouped by resource, with each permission's description. */
export function RolesPanel() {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const roles = useQuery({
    queryKey: peopleKeys.roles,
    queryFn: () => api<{ data: RoleDto[] }>("/api/v1/roles?limit=200"),
  });
  const catalogue = useQuery({
    queryKey: peopleKeys.permissions,
    queryFn: () => api<{ data: PermissionInfo[] }>("/api/v1/permissions"),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: peopleKeys.roles });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/v1/roles/${id}`, { method: "DELETE" }),
    onSuccess: () => void refresh(),
  });

  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="flex items-center justify-between">
        <h1 className="text-lg font-semibold">Roles</h1>
        <button type="button" className={buttonClass()} onClick={() => setDraft({ ...empty })}>
          New role
        </button>
      </div>
      <p className="mt-1 text-sm text-slate-600">
        Built-in roles: admin, supervisor, agent. A custom role picks permissions from the catalogue; its base
        role decides which conversations its holders see.
      </p>
      {draft && catalogue.data && (
        <RoleEditor
          draft={draft}
          catalogue={catalogue.data.data}
          onClose={() => setDraft(null)}
          onSaved={() => {
            setDraft(null);
            void refresh();
          }}
        />
      )}
      <ErrorNote error={roles.error ?? catalogue.error ?? remove.error} />
      {roles.isPending && <p className="mt-4 text-sm text-slate-500">Loading roles…</p>}
      {roles.data && roles.data.data.length === 0 && !draft && (
        <p className="mt-4 text-sm text-slate-500">No custom roles yet.</p>
      )}
      <ul className="mt-4 space-y-3">
        {roles.data?.data.map((role) => (
          <li
            key={role.id}
            className="rounded-lg border border-slate-200 bg-white p-4"
            data-testid="role-card"
          >
            <div className="flex items-start justify-between gap-4">
              <div>
                <h2 className="font-medium">{role.name}</h2>
                <p className="text-xs text-slate-500">
                  Base role {role.base_role} · {role.user_count} people · {role.api_key_count} API keys
                </p>
                {role.description && <p className="mt-1 text-sm text-slate-600">{role.description}</p>}
                <p className="mt-2 text-xs text-slate-700">
                  {role.permissions.join(", ") || "No permissions"}
                </p>
              </div>
              <div className="flex gap-1">
                <button
                  type="button"
                  className={buttonClass("secondary")}
                  onClick={() => setDraft({ ...role })}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className={buttonClass("danger")}
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Delete the role ${role.name}?`)) remove.mutate(role.id);
                  }}
                >
                  Delete
                </button>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

function RoleEditor({
  draft: initial,
  catalogue,
  onClose,
  onSaved,
}: {
  draft: Draft;
  catalogue: PermissionInfo[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: draft.name,
        description: draft.description,
        base_role: draft.base_role,
        permissions: draft.permissions,
      };
      return draft.id
        ? api<RoleDto>(`/api/v1/roles/${draft.id}`, { method: "PATCH", body: JSON.stringify(body) })
        : api<RoleDto>("/api/v1/roles", { method: "POST", body: JSON.stringify(body) });
    },
    onSuccess: onSaved,
  });
  const groups = new Map<string, PermissionInfo[]>();
  for (const p of catalogue.filter((p) => p.grantable))
    groups.set(p.resource, [...(groups.get(p.resource) ?? []), p]);
  const toggle = (name: string, on: boolean) =>
    setDraft((d) => ({
      ...d,
      permissions: on ? [...d.permissions, name] : d.permissions.filter((p) => p !== name),
    }));

  return (
    <form
      aria-label={draft.id ? `Edit role ${initial.name}` : "New role"}
      className="mt-4 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="grid max-w-xl gap-3">
        <label className="text-sm">
          Name
          <input
            className={inputClass}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            required
            autoFocus
          />
        </label>
        <label className="text-sm">
          Description
          <input
            className={inputClass}
            value={draft.description}
            onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          />
        </label>
        <label className="text-sm">
          Base role (which conversations holders see)
          <select
            className={inputClass}
            value={draft.base_role}
            onChange={(e) => setDraft({ ...draft, base_role: e.target.value as Draft["base_role"] })}
          >
            <option value="agent">Agent: their teams&apos; queues and their own conversations</option>
            <option value="supervisor">Supervisor: their teams and unassigned-team conversations</option>
            <option value="admin">Admin: everything</option>
          </select>
        </label>
      </div>
      <div className="mt-4 grid gap-3 md:grid-cols-2">
        {[...groups.entries()].map(([resource, perms]) => (
          <fieldset key={resource} className="rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-sm font-medium capitalize">{resource}</legend>
            {perms.map((p) => (
              <label key={p.name} className="mt-1 flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={draft.permissions.includes(p.name)}
                  onChange={(e) => toggle(p.name, e.target.checked)}
                  aria-describedby={`perm-${p.name}`}
                />
                <span>
                  <code className="text-xs">{p.name}</code>
                  <span id={`perm-${p.name}`} className="block text-xs text-slate-500">
                    {p.description}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      {draft.id && (
        <p className="mt-3 text-xs text-slate-500">
          Changing permissions signs this role&apos;s holders out everywhere.
        </p>
      )}
      <ErrorNote error={save.error} />
      <div className="mt-3 flex gap-2">
        <button type="submit" className={buttonClass()} disabled={save.isPending}>
          {save.isPending ? "Saving…" : draft.id ? "Save role" : "Create role"}
        </button>
        <button type="button" className={buttonClass("ghost")} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
