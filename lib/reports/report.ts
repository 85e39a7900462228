import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { assertCan } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/client";
import { getReportsDb } from "@/lib/db/client";
import type { Ctx } from "@/lib/db/context";
import { AppError, ValidationError } from "@/lib/errors";
import type { WeeklyHours } from "@/lib/sla";
import { csvRow } from "@/lib/utils/csv";
import { businessClock, clockArrays } from "./business-clock";
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
  const volume = await db
    .execute<{ day: string; source: string; direction: string; count: number }>(
      sql`
    select v.day::text as day, v.source, v.direction, sum(v.count)::int as count
    from message_volume_daily v
    where v.day >= ${params.from}::date and v.day <= ${params.to}::date and v.source <> 'history'
      ${params.number ? sql`and v.phone_number_id = ${params.number}` : sql``}
      ${params.team ? sql`and v.team_id = ${params.team}` : sql``}
      ${scope.volume}
    group by 1, 2, 3 order by 1, 2, 3`,
    )
    .catch((error: unknown) => {
      throw asReportError(error);
    });
  const bySource: Record<string, number> = {};
  let inbound = 0;
  let outbound = 0;
  for (const v of volume) {
    bySource[v.source] = (bySource[v.source] ?? 0) + v.count;
    if (v.direction === "inbound") inbound += v.count;
    else outbound += v.count;
  }
  const hours = params.business_hours ? await loadHours(db, params.business_hours) : null;
  const [{ rows, overall, csat }, bots] = await Promise.all([
    cycleRows(db, params, from, toExclusive, scope.cycles, hours),
    botFigures(db, params, from, toExclusive),
  ]).catch((error: unknown) => {
    throw asReportError(error);
  });
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

/** A report cut off by the reports pool's statement_timeout: a clear 503 the page can show, not a 500. */
export class ReportTimeoutError extends AppError {
  constructor(cause: unknown) {
    super(
      "report_timeout",
      "The report took too long to compute. Choose a shorter date range, or filter by number or team.",
      503,
      { cause },
    );
  }
}

/** Postgres' query_canceled (57014), directly or wrapped by drizzle, becomes a ReportTimeoutError. */
export function asReportError(error: unknown): unknown {
  const code = (e: unknown) => (e && typeof e === "object" && "code" in e ? e.code : undefined);
  const cause = error && typeof error === "object" && "cause" in error ? error.cause : undefined;
  return code(error) === "57014" || code(cause) === "57014" ? new ReportTimeoutError(error) : error;
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
  const clock = hours ? clockSql(hours, from) : null;
  // Open minutes are clock(b) - clock(a): each timestamp is looked up once (started_at serves two figures).
  const looked = clock
    ? sql`, ${clock(sql`y.started_at`)} as started_clock, ${clock(sql`y.first_response_at`)} as first_response_clock,
        ${clock(sql`y.first_assigned_at`)} as first_assigned_clock, ${clock(sql`y.resolved_at`)} as resolved_clock`
    : sql``;
  const minutes = (a: string, b: string) =>
    clock
      ? sql.raw(`case when y.${a}_clock is not null and y.${b}_clock is not null
          then greatest(0, y.${b}_clock - y.${a}_clock) end`)
      : sql.raw(`(extract(epoch from y.${b}_at - y.${a}_at) / 60)::float8`);
  // Per cycle once (materialized), then aggregated per group and overall in Postgres: only the group rows
  // cross to Node, so a 180-day report neither ships every cycle nor blocks the event loop sorting them.
  const aggregates = await db.execute<AggregateRow>(sql`
    with c as materialized (
      select y.id, y.conversation_id, y.phone_number_id, y.team_id, y.assignee_id, y.started_at, y.reopened,
        y.sla_breached, y.csat_score, ${minutes("started", "first_response")} as frt,
        ${minutes("started", "resolved")} as res, ${minutes("first_assigned", "resolved")} as handle
      from (
        select y.* ${looked} from conversation_cycles y
        where y.started_at >= ${from}::timestamptz and y.started_at < ${to}::timestamptz
          ${params.number ? sql`and y.phone_number_id = ${params.number}` : sql``}
          ${params.team ? sql`and y.team_id = ${params.team}` : sql``}
          ${scope}
        -- A fence: without it the planner inlines the lookups into each figure, repeating them.
        offset 0
      ) y
    )
    select ${group.key} as key, ${group.name} as name, false as overall, ${AGGREGATES}
    from c y ${group.join}
    group by 1, 2
    union all
    -- A cycle with two labels is in two label rows but counts once in the overall row.
    select null, 'All', true, ${AGGREGATES} from c y`);
  let overall = toRow(emptyAggregate());
  let overallCsat = csatFigure(emptyAggregate());
  const rows: ReportRow[] = [];
  const csatRows: Record<string, CsatFigure> = {};
  for (const a of aggregates) {
    if (a.overall) {
      overall = toRow(a);
      overallCsat = csatFigure(a);
      continue;
    }
    rows.push(toRow(a));
    csatRows[a.key ?? ""] = csatFigure(a);
  }
  rows.sort((a, b) =>
    params.group_by === "day" ? String(a.key).localeCompare(String(b.key)) : b.cycles - a.cycles,
  );
  return { rows, overall, csat: { overall: overallCsat, rows: csatRows } };
}

// Minutes as float8; percentile_disc is the nearest-rank percentile (the value at rank ceil(p * n)), as stat().
const AGGREGATES = sql.raw(
  ["frt", "res", "handle"]
    .map(
      (m) => `avg(y.${m}) as ${m}_avg, percentile_disc(0.5) within group (order by y.${m}) as ${m}_p50,
      percentile_disc(0.9) within group (order by y.${m}) as ${m}_p90, count(y.${m})::int as ${m}_n`,
    )
    .concat([
      "count(*)::int as cycles, count(*) filter (where y.reopened)::int as reopened",
      "count(*) filter (where y.sla_breached)::int as breached",
      "count(y.csat_score)::int as csat_n, avg(y.csat_score)::float8 as csat_avg",
      "count(*) filter (where y.csat_score = 3)::int as csat_great",
    ])
    .join(", "),
);

type AggregateRow = {
  key: string | null;
  name: string;
  overall: boolean;
  cycles: number;
  reopened: number;
  breached: number;
  csat_n: number;
  csat_avg: number | null;
  csat_great: number;
} & Record<`${"frt" | "res" | "handle"}_${"avg" | "p50" | "p90"}`, number | null> &
  Record<`${"frt" | "res" | "handle"}_n`, number>;

function emptyAggregate(): AggregateRow {
  return {
    key: null,
    name: "All",
    overall: true,
    cycles: 0,
    reopened: 0,
    breached: 0,
    csat_n: 0,
    csat_avg: null,
    csat_great: 0,
    frt_avg: null,
    frt_p50: null,
    frt_p90: null,
    frt_n: 0,
    res_avg: null,
    res_p50: null,
    res_p90: null,
    res_n: 0,
    handle_avg: null,
    handle_p50: null,
    handle_p90: null,
    handle_n: 0,
  };
}

/**
 * SQL for a timestamp's position on the business clock (open minutes since the clock's start; null for null),
 * over the business hours from a week before the report's start until now: cycles started in range may be
 * answered or resolved later, and assigned before they started (a reassigned conversation).
 */
function clockSql(hours: WeeklyHours, from: string): (t: SQL) => SQL {
  const clock = clockArrays(businessClock(hours, Date.parse(from) - 7 * 86_400_000, Date.now() + 86_400_000));
  return (t) => sql`(
    select case when w.i = 0 then 0::float8
      else (${clock.before}::float8[])[w.i]
        + extract(epoch from least(${t}, (${clock.ends}::timestamptz[])[w.i]) - (${clock.starts}::timestamptz[])[w.i])::float8 / 60
      end
    from (select width_bucket(${t}, ${clock.starts}::timestamptz[]) as i) w)`;
}

function csatFigure(a: AggregateRow): CsatFigure {
  if (a.csat_n === 0) return { answered: 0, avg: null, positive_rate: null };
  return {
    answered: a.csat_n,
    avg: Math.round(Number(a.csat_avg) * 100) / 100,
    positive_rate: a.csat_great / a.csat_n,
  };
}

function toRow(a: AggregateRow): ReportRow {
  const figure = (m: "frt" | "res" | "handle"): Stat => {
    const n = a[`${m}_n`];
    if (n === 0) return { avg: null, p50: null, p90: null, n: 0 };
    return { avg: round1(a[`${m}_avg`]), p50: round1(a[`${m}_p50`]), p90: round1(a[`${m}_p90`]), n };
  };
  return {
    key: a.key,
    name: a.name,
    cycles: a.cycles,
    first_response_minutes: figure("frt"),
    resolution_minutes: figure("res"),
    handle_minutes: figure("handle"),
    reopened: a.reopened,
    reopen_rate: a.cycles ? a.reopened / a.cycles : null,
    sla_breached: a.breached,
    sla_compliance: a.cycles ? (a.cycles - a.breached) / a.cycles : null,
  };
}

const round1 = (v: number | null) => Math.round(Number(v) * 10) / 10;

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
    "csat_responses",
    "csat_avg",
    "csat_satisfied_rate",
  ];
  const lines = report.rows.map((r) => {
    // CSAT per row by the row's key ("" for a null key), as getReport keys it.
    const csat = report.csat.rows[r.key ?? ""];
    return csvRow([
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
      csat?.answered ?? 0,
      csat?.avg ?? null,
      csat?.positive_rate ?? null,
    ]);
  });
  return csvRow(header) + lines.join("");
}
