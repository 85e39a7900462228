"use client";

import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useMemo } from "react";
import { fetchCanned, fetchLabels, fetchPeople, fetchTeams, type Viewer } from "@/lib/client/inbox";
import { queryKeys } from "@/lib/client/query-keys";

// Who is signed in (from the page, decided on the server) and the catalogues every inbox part shares.

const ViewerContext = createContext<Viewer>({
  id: "",
  name: "",
  role: "agent",
  teamIds: [],
  canAssign: false,
});

export function ViewerProvider({ viewer, children }: { viewer: Viewer; children: React.ReactNode }) {
  return <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>;
}

export function useViewer(): Viewer {
  return useContext(ViewerContext);
}

// Catalogues change rarely: five minutes fresh, refetched on a reconnect like everything else.
const CATALOGUE = { staleTime: 5 * 60_000 } as const;

export function usePeople() {
  return useQuery({ queryKey: queryKeys.people, queryFn: fetchPeople, ...CATALOGUE, retry: false });
}

export function useTeams() {
  return useQuery({ queryKey: queryKeys.teams, queryFn: fetchTeams, ...CATALOGUE, retry: false });
}

export function useLabels() {
  return useQuery({ queryKey: queryKeys.labels, queryFn: fetchLabels, ...CATALOGUE });
}

export function useCanned() {
  // Agents add their own while working: a minute fresh, so a new one shows up soon.
  return useQuery({ queryKey: queryKeys.canned, queryFn: fetchCanned, staleTime: 60_000 });
}

/** Id → name of colleagues and teams, for timeline sentences and mention highlighting. */
export function useNames() {
  const viewer = useViewer();
  const people = usePeople();
  const teams = useTeams();
  return useMemo(() => {
    const peopleMap = new Map((people.data ?? []).map((p) => [p.id, p.name]));
    if (viewer.id && viewer.name) peopleMap.set(viewer.id, viewer.name);
    return {
      me: viewer.id,
      people: peopleMap,
      teams: new Map((teams.data ?? []).map((t) => [t.id, t.name])),
    };
  }, [viewer, people.data, teams.data]);
}
