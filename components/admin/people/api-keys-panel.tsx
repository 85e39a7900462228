"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { ApiKeyDto, CreateApiKeyResult } from "@/lib/api-keys/schemas";
import type { RoleDto } from "@/lib/roles/schemas";
import { ErrorNote, SecretOnce, buttonClass, errorText, formatWhen, inputClass, peopleKeys } from "./shared";

/** REST API keys: create (the key is shown once), list by prefix, revoke. */
export function ApiKeysPanel() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [role, setRole] = useState("agent");
  const [days, setDays] = useState("90");
  const [created, setCreated] = useState<CreateApiKeyResult | null>(null);
  const keys = useQuery({
    queryKey: peopleKeys.apiKeys,
    queryFn: () => api<{ data: ApiKeyDto[] }>("/api/v1/api-keys?limit=200"),
  });
  const roles = useQuery({
    queryKey: peopleKeys.roles,
    queryFn: () => api<{ data: RoleDto[] }>("/api/v1/roles?limit=200"),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: peopleKeys.apiKeys });
  const create = useMutation({
    mutationFn: () =>
      api<CreateApiKeyResult>("/api/v1/api-keys", {
        method: "POST",
        body: JSON.stringify({
          name,
          ...(role.startsWith("custom:") ? { custom_role_id: role.slice(7) } : { role }),
          expires_at: days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null,
        }),
      }),
    onSuccess: (result) => {
      setCreated(result);
      setName("");
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api<ApiKeyDto>(`/api/v1/api-keys/${id}/revoke`, { method: "POST" }),
    onSuccess: () => void refresh(),
  });

  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">API keys</h1>
      <p className="mt-1 text-sm text-slate-600">
        Keys authenticate REST calls as <code>Authorization: Bearer &lt;key&gt;</code> and act with the role
        you pick.
      </p>
      <form
        aria-label="Create API key"
        className="mt-4 grid max-w-2xl gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="text-sm md:col-span-2">
          Name
          <input className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="text-sm">
          Role
          <select className={inputClass} value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="agent">Agent</option>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Admin</option>
            {roles.data?.data.map((r) => (
              <option key={r.id} value={`custom:${r.id}`}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Expires
          <select className={inputClass} value={days} onChange={(e) => setDays(e.target.value)}>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        </label>
        <div className="md:col-span-4">
          <button type="submit" className={buttonClass()} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </div>
      </form>
      <ErrorNote error={create.error ?? keys.error} />
      {created && (
        <SecretOnce
          label={`API key "${created.api_key.name}"`}
          value={created.key}
          onDone={() => setCreated(null)}
        />
      )}
      {keys.isPending && <p className="mt-4 text-sm text-slate-500">Loading keys…</p>}
      {keys.data && keys.data.data.length === 0 && (
        <p className="mt-4 text-sm text-slate-500">No API keys yet.</p>
      )}
      {keys.data && keys.data.data.length > 0 && (
        <table className="mt-4 w-full border-collapse text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs uppercase text-slate-500">
              <th className="py-2 pr-3">Name</th>
              <th className="py-2 pr-3">Prefix</th>
              <th className="py-2 pr-3">Role</th>
              <th className="py-2 pr-3">Expires</th>
              <th className="py-2 pr-3">Last used</th>
              <th className="py-2 pr-3">Status</th>
              <th className="py-2" />
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((k) => (
              <tr key={k.id} className="border-b border-slate-100" data-testid="api-key-row">
                <td className="py-2 pr-3">{k.name}</td>
                <td className="py-2 pr-3 font-mono text-xs">tdm_{k.prefix}_…</td>
                <td className="py-2 pr-3">{k.custom_role?.name ?? k.role}</td>
                <td className="py-2 pr-3 text-xs">{k.expires_at ? formatWhen(k.expires_at) : "Never"}</td>
                <td className="py-2 pr-3 text-xs">{formatWhen(k.last_used_at)}</td>
                <td className="py-2 pr-3">{k.status}</td>
                <td className="py-2">
                  {k.status === "active" && (
                    <button
                      type="button"
                      className={buttonClass("danger")}
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(`Revoke ${k.name}? Calls with it fail from now on.`))
                          revoke.mutate(k.id);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {errorText(revoke.error)}
        </p>
      )}
    </div>
  );
}
