// Client-side shapes of the routing, SLA and business-hours APIs these admin pages use.

import type { RuleConditions } from "@/lib/bots/schemas";

// The rule shapes are the server's own (lib/bots), so the pages cannot drift from the API.
export type { RoutingRuleDto as RoutingRule, RuleConditions } from "@/lib/bots/schemas";

export type RuleBody = { name: string; team_id: string; active: boolean; conditions: RuleConditions };

export type TeamRouting = {
  id: string;
  name: string;
  policy: "manual" | "round_robin" | "least_loaded";
  waiting: number;
  members: { user_id: string; name: string; availability: string; capacity: number; load: number }[];
};

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export type BusinessHours = {
  id: string;
  name: string;
  timezone: string;
  weekly: Partial<Record<Weekday, [string, string][]>>;
  holidays: { date: string; name?: string }[];
};

export type SlaPolicy = {
  id: string;
  name: string;
  team_id: string | null;
  number_id: string | null;
  first_response_minutes: number | null;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  business_hours_id: string | null;
  active: boolean;
};

export type Option = { id: string; name: string };

export const adminKeys = {
  rules: ["admin", "routing-rules"] as const,
  teamRouting: (id: string) => ["admin", "team-routing", id] as const,
  teams: ["admin", "routing", "teams"] as const,
  numbers: ["admin", "routing", "numbers"] as const,
  labels: ["admin", "routing", "labels"] as const,
  hours: ["admin", "business-hours"] as const,
  sla: ["admin", "sla-policies"] as const,
};
