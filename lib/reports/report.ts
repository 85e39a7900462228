import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/client";
import { getReportsDb } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { businessMinutesBetween, type WeeklyHours } from "@/lib/sla";
import { csvRow } from "@/lib/utils/csv";
import {
  reportInput,
  type CsatFigure,
  type Report,
  type ReportInput,
  type ReportRow,
  type Stat,
} from "./schemas";

export { reportInput, type Report, type ReportInput, type ReportRow };

const MAX_DAYS = 400;

/**
 * The supervisor report for a date range: message volume by day and source (from the daily rollup, history
 * excluded), work-cycle figures (first response, resolution and handle time, reopen rate, SLA compliance)
 * per agent, team, number, label or day (from conversation_cycles), and bot containment. Runs on the
 * reports pool, never scanning messages.
 */
export async function getReport({ ctx, input }: { ctx: Ctx; input: ReportInput }): Promise<Report> {
  assertCan(ctx.actor, "conversations:assign");
  const params = reportInput.parse(input);
  const from = `${params.from}T00:00:00Z`;
  const toExclusive = new Date(Date.parse(`${params.to}T00:00:00Z`) + 86_400_000).toISOString();
  const days = (Date.parse(toExclusive) - Date.parse(from)) / 86_400_000;
  if (days < 1) throw new ValidationError("to must not be before from", { field: "to" });
  if (days > MAX_DAYS) throw new ValidationError(`the range is at most ${MAX_DAYS} days`, { field: "from" });
  const db = getReportsDb();
  const scope = scopeFilter(ctx, params);
  const volume = await db.execute<{ day: string; source: string; direction: string; count: number }>(sql`
    select v.day::text as day, v.source, v.direction, sum(v.count)::int as count
    from message_volume_daily v
    where v.day >= ${params.from}::date and v.day <= ${params.to}::date and v.source <> 'history'
      ${params.number ? sql`and v.phone_number_id = ${params.number}` : sql``}
      ${params.team ? sql`and v.team_id = ${params.team}` : sql``}
      ${scope.volume}
    group by 1, 2, 3 order by 1, 2, 3`);
  const bySource: Record<string, number> = {};
  let inbound = 0;
  let outbound = 0;
  for (const v of volume) {
    bySource[v.source] = (bySource[v.source] ?? 0) + v.count;
    if (v.direction === "inbound") inbound += v.count;
    else outbound += v.count;
  }
  const hours = params.business_hours ? await loadHours(db, params.business_hours) : null;
  const { rows, overall, csat } = await cycleRows(db, params, from, toExclusive, scope.cycles, hours);
  const bots = await botFigures(db, params, from, toExclusive);
  return {
    from: params.from,
    to: params.to,
    group_by: params.group_by,
    business_hours: Boolean(hours),
    volume,
    totals: { inbound, outbound, by_source: bySource },
    rows,
    overall,
    csat,
    bots,
  };
}

/** Supervisors see their teams' figures; admins everything. */
function scopeFilter(ctx: Ctx, params: z.output<typeof reportInput>): { volume: SQL; cycles: SQL } {
  const actor = ctx.actor;
  if (actor.type === "system" || actor.role === "admin") return { volume: sql``, cycles: sql`` };
  const teams = `{${actor.teamIds.join(",")}}`;
  if (params.team && !actor.teamIds.includes(params.team))
    throw new ValidationError("team is not one of your teams", { field: "team" });
  return {
    volume: sql`and v.team_id = any(${teams}::uuid[])`,
    cycles: sql`and y.team_id = any(${teams}::uuid[])`,
  };
}

async function cycleRows(
  db: Db,
  params: z.output<typeof reportInput>,
  from: string,
  to: string,
  scope: SQL,
  hours: WeeklyHours | null,
): Promise<{ rows: ReportRow[]; overall: ReportRow; csat: Report["csat"] }> {
  const group = {
    agent: {
      key: sql`y.assignee_id::text`,
      name: sql`coalesce(u.name, 'Unassigned')`,
      join: sql`left join users u on u.id = y.assignee_id`,
    },
    team: {
      key: sql`y.team_id::text`,
      name: sql`coalesce(t.name, 'No team')`,
      join: sql`left join teams t on t.id = y.team_id`,
    },
    number: {
      key: sql`y.phone_number_id::text`,
      name: sql`n.display_number`,
      join: sql`join phone_numbers n on n.id = y.phone_number_id`,
    },
    label: {
      key: sql`l.id::text`,
      name: sql`coalesce(l.name, 'No label')`,
      join: sql`left join conversation_labels cl on cl.conversation_id = y.conversation_id left join labels l on l.id = cl.label_id`,
    },
    day: {
      key: sql`(y.started_at at time zone 'UTC')::date::text`,
      name: sql`(y.started_at at time zone 'UTC')::date::text`,
      join: sql``,
    },
  }[params.group_by];
  const raw = await db.execute<{
    cycle_id: string;
    key: string | null;
    name: string;
    started_at: string;
    first_response_at: string | null;
    first_assigned_at: string | null;
    resolved_at: string | null;
    reopened: boolean;
    sla_breached: boolean;
    csat_score: number | null;
  }>(sql`
    select y.id::text as cycle_id, ${group.key} as key, ${group.name} as name, y.started_at, y.first_response_at, y.first_assigned_at,
      y.resolved_at, y.reopened, y.sla_breached, y.csat_score
    from conversation_cycles y ${group.join}
    where y.started_at >= ${from}::timestamptz and y.started_at < ${to}::timestamptz
      ${params.number ? sql`and y.phone_number_id = ${params.number}` : sql``}
      ${params.team ? sql`and y.team_id = ${params.team}` : sql``}
      ${scope}`);
  const minutes = (a: string, b: string | null) =>
    b === null
      ? null
      : hours
        ? businessMinutesBetween(hours, new Date(a), new Date(b))
        : (Date.parse(b) - Date.parse(a)) / 60_000;
  const groups = new Map<string, Group>();
  // A cycle with two labels is in two label rows but counts once in the overall row.
  const overall = newGroup(null, "All");
  const seen = new Set<string>();
  for (const r of raw) {
    const id = r.key ?? "";
    const g = groups.get(id) ?? newGroup(r.key, r.name);
    const frt = minutes(r.started_at, r.first_response_at);
    const res = minutes(r.started_at, r.resolved_at);
    const handle = r.first_assigned_at && r.resolved_at ? minutes(r.first_assigned_at, r.resolved_at) : null;
    addCycle(g, r, frt, res, handle);
    groups.set(id, g);
    if (!seen.has(r.cycle_id)) {
      seen.add(r.cycle_id);
      addCycle(overall, r, frt, res, handle);
    }
  }
  const rows = [...groups.values()]
    .map(toRow)
    .sort((a, b) =>
      params.group_by === "day" ? String(a.key).localeCompare(String(b.key)) : b.cycles - a.cycles,
    );
  const csat = {
    overall: csatFigure(overall.csat),
    rows: Object.fromEntries([...groups].map(([id, g]) => [id, csatFigure(g.csat)])),
  };
  return { rows, overall: toRow(overall), csat };
}

type Group = {
  key: string | null;
  name: string;
  frt: number[];
  res: number[];
  handle: number[];
  n: number;
  reopened: number;
  breached: number;
  csat: number[];
};

function newGroup(key: string | null, name: string): Group {
  return { key, name, frt: [], res: [], handle: [], n: 0, reopened: 0, breached: 0, csat: [] };
}

function addCycle(
  g: Group,
  r: { reopened: boolean; sla_breached: boolean; csat_score: number | null },
  frt: number | null,
  res: number | null,
  handle: number | null,
) {
  g.n += 1;
  if (r.reopened) g.reopened += 1;
  if (r.sla_breached) g.breached += 1;
  if (frt !== null) g.frt.push(frt);
  if (res !== null) g.res.push(res);
  if (handle !== null) g.handle.push(handle);
  if (r.csat_score !== null) g.csat.push(r.csat_score);
}

function csatFigure(scores: number[]): CsatFigure {
  if (scores.length === 0) return { answered: 0, avg: null, positive_rate: null };
  const avg = scores.reduce((a, b) => a + b, 0) / scores.length;
  return {
    answered: scores.length,
    avg: Math.round(avg * 100) / 100,
    positive_rate: scores.filter((s) => s === 3).length / scores.length,
  };
}

function toRow(g: Group): ReportRow {
  return {
    key: g.key,
    name: g.name,
    cycles: g.n,
    first_response_minutes: stat(g.frt),
    resolution_minutes: stat(g.res),
    handle_minutes: stat(g.handle),
    reopened: g.reopened,
    reopen_rate: g.n ? g.reopened / g.n : null,
    sla_breached: g.breached,
    sla_compliance: g.n ? (g.n - g.breached) / g.n : null,
  };
}

async function botFigures(db: Db, params: z.output<typeof reportInput>, from: string, to: string) {
  const [row] = await db.execute<{ sessions: number; handed_off: number; contained: number }>(sql`
    select count(*)::int as sessions,
      count(*) filter (where s.end_reason in ('handoff', 'timeout', 'bot_failed'))::int as handed_off,
      count(*) filter (where s.end_reason in ('flow_ended', 'resolved'))::int as contained
    from bot_sessions s join conversations c on c.id = s.conversation_id
    where s.started_at >= ${from}::timestamptz and s.started_at < ${to}::timestamptz
      ${params.number ? sql`and c.phone_number_id = ${params.number}` : sql``}`);
  const sessions = row?.sessions ?? 0;
  return {
    sessions,
    handed_off: row?.handed_off ?? 0,
    contained: row?.contained ?? 0,
    containment_rate: sessions ? (row?.contained ?? 0) / sessions : null,
    handoff_rate: sessions ? (row?.handed_off ?? 0) / sessions : null,
  };
}

async function loadHours(db: Db, id: string): Promise<WeeklyHours> {
  const [row] = await db.execute<WeeklyHours>(
    sql`select timezone, weekly, holidays from business_hours where id = ${id}`,
  );
  if (!row)
    throw new ValidationError("business_hours is not a set of business hours", { field: "business_hours" });
  return row;
}

/** Mean and nearest-rank percentiles, in minutes rounded to 0.1. */
export function stat(values: number[]): Stat {
  if (values.length === 0) return { avg: null, p50: null, p90: null, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    avg: round(values.reduce((a, b) => a + b, 0) / values.length),
    p50: round(at(50)),
    p90: round(at(90)),
    n: values.length,
  };
}

/** The rows as CSV (one line per group), with formula-looking cells defused for spreadsheets. */
export function reportCsv(report: Report): string {
  const header = [
    report.group_by,
    "cycles",
    "first_response_avg_min",
    "first_response_p50_min",
    "first_response_p90_min",
    "resolution_avg_min",
    "resolution_p50_min",
    "handle_avg_min",
    "reopen_rate",
    "sla_compliance",
  ];
  const lines = report.rows.map((r) =>
    csvRow([
      r.name,
      r.cycles,
      r.first_response_minutes.avg,
      r.first_response_minutes.p50,
      r.first_response_minutes.p90,
      r.resolution_minutes.avg,
      r.resolution_minutes.p50,
      r.handle_minutes.avg,
      r.reopen_rate,
      r.sla_compliance,
    ]),
  );
  return csvRow(header) + lines.join("");
}
