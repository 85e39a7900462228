import { sql } from "drizzle-orm";
import type { Tx } from "@/lib/db/client";
import { isOpen } from "./business-hours";

/** What a routing rule can look at when a conversation is handed off. */
export type RoutingFacts = {
  numberId: string;
  /** The customer's last message, for keyword rules. */
  lastText: string | null;
  language: string | null;
  labelIds: string[];
  fields: Record<string, string>;
  at: Date;
};

export type RuleConditions = {
  number_id?: string;
  keyword?: string;
  language?: string;
  label_id?: string;
  field?: { name: string; equals: string };
  business_hours?: { id: string; open: boolean };
};

type Hours = { timezone: string; weekly: Record<string, [string, string][]>; holidays: { date: string }[] };

/**
 * The team a handed-off conversation goes to: the first active rule (by position) whose conditions all
 * hold; else the number's default team (null when it has none, i.e. supervisors triage it).
 */
export async function pickTeam(
  tx: Tx,
  facts: RoutingFacts,
): Promise<{ teamId: string | null; ruleId: string | null }> {
  const rules = await tx.execute<{ id: string; team_id: string; conditions: RuleConditions }>(
    sql`select id, team_id, conditions from routing_rules where active order by position, created_at`,
  );
  const hoursIds = [
    ...new Set(rules.flatMap((r) => (r.conditions.business_hours ? [r.conditions.business_hours.id] : []))),
  ];
  const hours = new Map<string, Hours>();
  if (hoursIds.length > 0) {
    const rows = await tx.execute<{ id: string } & Hours>(sql`
      select id, timezone, weekly, holidays from business_hours where id = any(${`{${hoursIds.join(",")}}`}::uuid[])`);
    for (const row of rows) hours.set(row.id, row);
  }
  for (const rule of rules)
    if (matches(rule.conditions, facts, hours)) return { teamId: rule.team_id, ruleId: rule.id };
  const [number] = await tx.execute<{ default_team_id: string | null }>(
    sql`select default_team_id from phone_numbers where id = ${facts.numberId}`,
  );
  return { teamId: number?.default_team_id ?? null, ruleId: null };
}

export function matches(conditions: RuleConditions, facts: RoutingFacts, hours: Map<string, Hours>): boolean {
  if (conditions.number_id && conditions.number_id !== facts.numberId) return false;
  if (conditions.keyword && !fold(facts.lastText ?? "").includes(fold(conditions.keyword))) return false;
  if (conditions.language && fold(conditions.language) !== fold(facts.language ?? "")) return false;
  if (conditions.label_id && !facts.labelIds.includes(conditions.label_id)) return false;
  if (conditions.field && fold(facts.fields[conditions.field.name] ?? "") !== fold(conditions.field.equals))
    return false;
  if (conditions.business_hours) {
    const h = hours.get(conditions.business_hours.id);
    if (!h || isOpen(h, facts.at) !== conditions.business_hours.open) return false;
  }
  return true;
}

// Case- and accent-insensitive comparison ("Español" = "espanol").
function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();
}
