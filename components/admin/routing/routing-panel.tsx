"use client";

import { ErrorNote } from "@/components/admin/people/shared";
import { useTeams } from "./options";
import { RulesPanel } from "./rules-panel";
import { TeamRoutingCard } from "./team-routing-card";

/**
 * How work reaches people: per team the assignment policy and members' capacity (admins, and team managers
 * for capacity), then the routing rules that pick a team on handoff (admins).
 */
export function RoutingPanel({ canManage }: { canManage: boolean }) {
  const teams = useTeams();
  // Managers see the teams whose roster they edit; admins see every team.
  const visible = (teams.data ?? []).filter((t) => canManage || t.can.edit_roster);
  return (
    <div className="h-full overflow-y-auto p-6">
      <div className="max-w-4xl">
        <h1 className="text-lg font-semibold">Routing</h1>
        <section className="mt-4" aria-labelledby="teams-heading">
          <h2 id="teams-heading" className="text-base font-semibold">
            Teams
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            Automatic policies give waiting conversations (highest priority, then longest waiting) to
            available members with free capacity.
          </p>
          <ErrorNote error={teams.error} />
          {teams.isPending && <p className="mt-3 text-sm text-slate-500">Loading teams…</p>}
          {teams.data && visible.length === 0 && (
            <p className="mt-3 rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-500">
              {canManage ? "No teams yet. Create one on the Teams page." : "You do not manage any team."}
            </p>
          )}
          <div className="mt-3 space-y-3">
            {visible.map((t) => (
              <TeamRoutingCard key={t.id} teamId={t.id} teamName={t.name} canSetPolicy={canManage} />
            ))}
          </div>
        </section>
        {canManage && <RulesPanel />}
      </div>
    </div>
  );
}
