"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/client/api";
import type { TeamDto } from "@/lib/teams/schemas";
import { adminKeys, type BusinessHours, type Option } from "./types";

// The lists the routing, SLA and hours forms pick from (teams, numbers, labels, business hours).

export function useTeams() {
  return useQuery({
    queryKey: adminKeys.teams,
    queryFn: () => api<{ data: TeamDto[] }>("/api/v1/teams?limit=200").then((r) => r.data),
  });
}

export function useNumbers(enabled = true) {
  return useQuery({
    queryKey: adminKeys.numbers,
    enabled,
    queryFn: () =>
      api<{ data: { id: string; display_number: string }[] }>("/api/v1/numbers").then((r) =>
        r.data.map((n): Option => ({ id: n.id, name: n.display_number })),
      ),
  });
}

export function useLabels(enabled = true) {
  return useQuery({
    queryKey: adminKeys.labels,
    enabled,
    queryFn: () => api<{ data: Option[] }>("/api/v1/labels").then((r) => r.data),
  });
}

export function useBusinessHours(enabled = true) {
  return useQuery({
    queryKey: adminKeys.hours,
    enabled,
    queryFn: () => api<{ data: BusinessHours[] }>("/api/v1/business-hours").then((r) => r.data),
  });
}

/** The field a 422 names (e.g. "conditions.keyword"), to mark that input. */
export function errorField(error: unknown): string | undefined {
  const details = (error as { details?: { field?: unknown } } | null)?.details;
  return typeof details?.field === "string" ? details.field : undefined;
}

export function nameOf(options: Option[] | undefined, id: string | null | undefined, fallback: string) {
  if (!id) return fallback;
  return options?.find((o) => o.id === id)?.name ?? "(deleted)";
}
