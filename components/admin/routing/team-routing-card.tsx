"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import { ErrorNote, buttonClass, inputClass } from "@/components/admin/people/shared";
import { adminKeys, type TeamRouting } from "./types";

const POLICIES: { value: TeamRouting["policy"]; label: string; hint: string }[] = [
  { value: "manual", label: "Manual", hint: "agents pick from the queue" },
  { value: "round_robin", label: "Round robin", hint: "in turn, to available agents with free capacity" },
  {
    value: "least_loaded",
    label: "Least loaded",
    hint: "to the available agent with the most free capacity",
  },
];

/** One team's assignment policy and each member's capacity, with their live load and availability. */
export function TeamRoutingCard({
  teamId,
  teamName,
  canSetPolicy,
}: {
  teamId: string;
  teamName: string;
  canSetPolicy: boolean;
}) {
  const queryClient = useQueryClient();
  const routing = useQuery({
    queryKey: adminKeys.teamRouting(teamId),
    queryFn: () => api<TeamRouting>(`/api/v1/routing/teams/${teamId}`),
  });
  const save = useMutation({
    mutationFn: (req: { path: string; body: unknown }) =>
      api<TeamRouting>(req.path, { method: "PATCH", body: JSON.stringify(req.body) }),
    onSuccess: (data) => queryClient.setQueryData(adminKeys.teamRouting(teamId), data),
  });
  const data = routing.data;
  return (
    <section
      className="rounded-lg border border-slate-200 bg-white p-4"
      aria-label={`${teamName} routing`}
      data-testid="team-routing"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-medium">
          {teamName}
          {data && <span className="ml-2 text-xs text-slate-500">{data.waiting} waiting in the queue</span>}
        </h3>
        <label className="flex items-center gap-2 text-sm">
          <span className="text-slate-600">Assignment</span>
          <select
            aria-label={`Assignment policy for ${teamName}`}
            className={`${inputClass} w-auto`}
            value={data?.policy ?? "manual"}
            disabled={!data || !canSetPolicy || save.isPending}
            title={canSetPolicy ? undefined : "Only admins change a team's policy"}
            onChange={(e) =>
              save.mutate({ path: `/api/v1/routing/teams/${teamId}`, body: { policy: e.target.value } })
            }
          >
            {POLICIES.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {data && (
        <p className="mt-1 text-xs text-slate-500">{POLICIES.find((p) => p.value === data.policy)?.hint}</p>
      )}
      <ErrorNote error={routing.error ?? save.error} />
      {routing.isPending && <p className="mt-2 text-sm text-slate-500">Loading…</p>}
      {data && data.members.length === 0 && (
        <p className="mt-2 text-sm text-slate-500">
          No members yet: add people on the Teams page before work can be assigned.
        </p>
      )}
      {data && data.members.length > 0 && (
        <table className="mt-3 w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
              <th className="py-1 font-medium">Member</th>
              <th className="py-1 font-medium">Availability</th>
              <th className="py-1 font-medium">Open now</th>
              <th className="py-1 font-medium">Capacity</th>
            </tr>
          </thead>
          <tbody>
            {data.members.map((m) => (
              <tr key={m.user_id} className="border-b border-slate-100" data-testid="member-capacity">
                <td className="py-1.5">{m.name}</td>
                <td className="py-1.5 capitalize text-slate-600">{m.availability}</td>
                <td className="py-1.5 tabular-nums">{m.load}</td>
                <td className="py-1.5">
                  <CapacityInput
                    name={m.name}
                    value={m.capacity}
                    pending={save.isPending}
                    onSave={(capacity) =>
                      save.mutate({
                        path: `/api/v1/routing/teams/${teamId}/members/${m.user_id}`,
                        body: { capacity },
                      })
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function CapacityInput({
  name,
  value,
  pending,
  onSave,
}: {
  name: string;
  value: number;
  pending: boolean;
  onSave: (capacity: number) => void;
}) {
  const [draft, setDraft] = useState(String(value));
  const [shown, setShown] = useState(value);
  // A saved value from the server replaces the draft (e.g. after another admin's change).
  if (shown !== value) {
    setShown(value);
    setDraft(String(value));
  }
  const parsed = Number(draft);
  const valid = draft.trim() !== "" && Number.isInteger(parsed) && parsed >= 0 && parsed <= 1000;
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && parsed !== value) onSave(parsed);
      }}
    >
      <input
        type="number"
        min={0}
        max={1000}
        aria-label={`Capacity of ${name}`}
        aria-invalid={!valid}
        className={`${inputClass} w-20`}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
      <button
        type="submit"
        className={buttonClass("secondary")}
        disabled={pending || !valid || parsed === value}
      >
        Save
      </button>
      {!valid && <span className="text-xs text-red-700">0 to 1000</span>}
    </form>
  );
}
