import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/lib/auth/actor";
import { getDb, getReportsDb } from "@/lib/db/client";
import { errorResponse } from "@/lib/http/route";
import { addNumber } from "@/lib/numbers";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { useTestDatabase } from "@/tests/int/db";
import { businessMinutesBetween, saveBusinessHours } from "@/lib/sla";
import { asReportError, getReport, ReportTimeoutError, reportCsv, rollupMessageVolume, stat } from "./index";

useTestDatabase();
const system = { actor: systemActor("test") };

// A generated month: 3 agents in 2 teams, 300 cycles with random first responses, resolutions, reopens and
// breaches, and messages of every source. The test computes each figure again with plain SQL.
let numberId = "";
const from = "2026-10-01";
const to = "2026-10-31";

beforeAll(async () => {
  const teams = [
    await createTeam({ ctx: system, input: { name: "Reports A" } }),
    await createTeam({ ctx: system, input: { name: "Reports B" } }),
  ];
  const number = await addNumber({
    ctx: system,
    input: {
      wabaId: "499000000000001",
      phoneNumberId: "199000000000001",
      displayNumber: "15559990001",
      coexistence: true,
    },
  });
  numberId = number.id;
  const agents: string[] = [];
  for (let i = 0; i < 3; i++) {
    const user = await createUser({
      ctx: system,
      input: {
        email: `reports-${i}@example.com`,
        name: `Reporter ${i}`,
        role: "agent",
        password: "correct horse battery",
        teamIds: [teams[i % 2]!.id],
      },
    });
    agents.push(user.id);
  }
  // Deterministic pseudo-random numbers, so a failure reproduces.
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const base = Date.parse(`${from}T00:00:00Z`);
  for (let i = 0; i < 300; i++) {
    const agent = agents[i % 3]!;
    const team = teams[i % 3 === 1 ? 1 : 0]!.id;
    const [contact] = await getDb().execute<{ id: string }>(
      sql`insert into contacts (waba_id, phone) values ('499000000000001', ${`4470${String(i).padStart(8, "0")}`}) returning id`,
    );
    const [conversation] = await getDb().execute<{ id: string }>(sql`
      insert into conversations (contact_id, phone_number_id, team_id, assignee_id, status)
      values (${contact!.id}, ${numberId}, ${team}, ${agent}, 'resolved') returning id`);
    const started = base + Math.floor(rand() * 30 * 86_400_000);
    const assigned = started + Math.floor(rand() * 600_000);
    const responded = rand() < 0.9 ? assigned + Math.floor(rand() * 3_600_000) : null;
    const resolved = rand() < 0.8 ? started + Math.floor(rand() * 86_400_000) + 3_600_000 : null;
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    await getDb().execute(sql`
      insert into conversation_cycles (conversation_id, phone_number_id, team_id, assignee_id, started_at,
        first_assigned_at, first_response_at, resolved_at, reopened, sla_breached)
      values (${conversation!.id}, ${numberId}, ${team}, ${agent}, ${iso(started)}::timestamptz, ${iso(assigned)}::timestamptz,
        ${iso(responded)}::timestamptz, ${iso(resolved)}::timestamptz, ${rand() < 0.1}, ${rand() < 0.2})`);
    for (const source of ["customer", "agent", "bot", "business_app", "history", "campaign"]) {
      const n = Math.floor(rand() * 3);
      for (let k = 0; k < n; k++)
        await getDb().execute(sql`
          insert into messages (conversation_id, wamid, direction, source, type, text, timestamp)
          values (${conversation!.id}, ${`wamid.R${i}.${source}.${k}`},
                  ${source === "customer" ? "inbound" : "outbound"}::message_direction, ${source}::message_source,
                  'text', 'x', ${iso(started + k * 60_000)}::timestamptz)`);
    }
  }
  // Stored long enough ago for the rollup's lag.
  await getDb().execute(sql`update messages set created_at = now() - interval '5 minutes'`);
});

describe("reports", () => {
  it("equal the same figures computed independently with plain SQL", async () => {
    const rolled = await rollupMessageVolume({ ctx: system });
    expect(rolled.counted).toBeGreaterThan(0);
    // Running again counts nothing twice.
    expect((await rollupMessageVolume({ ctx: system })).counted).toBe(0);

    const report = await getReport({ ctx: system, input: { from, to, group_by: "agent", number: numberId } });
    const volume = await getDb().execute<{ source: string; n: number }>(sql`
      select m.source::text as source, count(*)::int as n from messages m
      join conversations c on c.id = m.conversation_id
      where c.phone_number_id = ${numberId} and m.source <> 'history'
        and m.timestamp >= ${from}::date and m.timestamp < ${to}::date + 1
      group by 1`);
    expect(report.totals.by_source).toEqual(Object.fromEntries(volume.map((v) => [v.source, v.n])));
    expect(report.totals.by_source.history).toBeUndefined();

    const expected = await getDb().execute<{
      key: string;
      cycles: number;
      frt_avg: number | null;
      frt_p50: number | null;
      res_avg: number | null;
      handle_avg: number | null;
      reopened: number;
      breached: number;
    }>(sql`
      select assignee_id::text as key, count(*)::int as cycles,
        round(avg(extract(epoch from first_response_at - started_at) / 60)::numeric, 1)::float as frt_avg,
        round((percentile_disc(0.5) within group (order by extract(epoch from first_response_at - started_at) / 60))::numeric, 1)::float as frt_p50,
        round(avg(extract(epoch from resolved_at - started_at) / 60)::numeric, 1)::float as res_avg,
        round(avg(extract(epoch from resolved_at - first_assigned_at) / 60)::numeric, 1)::float as handle_avg,
        count(*) filter (where reopened)::int as reopened,
        count(*) filter (where sla_breached)::int as breached
      from conversation_cycles
      where phone_number_id = ${numberId} and started_at >= ${from}::date and started_at < ${to}::date + 1
      group by 1`);
    expect(report.rows).toHaveLength(3);
    for (const row of expected) {
      const got = report.rows.find((r) => r.key === row.key)!;
      expect(got.cycles).toBe(row.cycles);
      expect(got.first_response_minutes.avg).toBeCloseTo(row.frt_avg!, 0);
      expect(got.first_response_minutes.p50).toBeCloseTo(row.frt_p50!, 0);
      expect(got.resolution_minutes.avg).toBeCloseTo(row.res_avg!, 0);
      expect(got.handle_minutes.avg).toBeCloseTo(row.handle_avg!, 0);
      expect(got.reopened).toBe(row.reopened);
      expect(got.sla_breached).toBe(row.breached);
      expect(got.sla_compliance).toBeCloseTo((row.cycles - row.breached) / row.cycles, 5);
    }
    const csv = reportCsv(report);
    expect(csv.split("\r\n")[0]).toMatch(/^agent,cycles,first_response_avg_min/);
    expect(csv.trim().split("\r\n")).toHaveLength(4);
  });

  it("groups by team and by day, and refuses a reversed or too long range", async () => {
    const byTeam = await getReport({ ctx: system, input: { from, to, group_by: "team", number: numberId } });
    expect(byTeam.rows.map((r) => r.name).sort()).toEqual(["Reports A", "Reports B"]);
    expect(byTeam.rows.reduce((n, r) => n + r.cycles, 0)).toBe(300);
    // The overall row counts every cycle once, whatever the grouping.
    expect(byTeam.overall.cycles).toBe(300);
    const [all] = await getDb().execute<{ frt_avg: number; breached: number }>(sql`
      select round(avg(extract(epoch from first_response_at - started_at) / 60)::numeric, 1)::float as frt_avg,
        count(*) filter (where sla_breached)::int as breached
      from conversation_cycles
      where phone_number_id = ${numberId} and started_at >= ${from}::date and started_at < ${to}::date + 1`);
    expect(byTeam.overall.first_response_minutes.avg).toBeCloseTo(all!.frt_avg, 0);
    expect(byTeam.overall.sla_breached).toBe(all!.breached);
    const byDay = await getReport({ ctx: system, input: { from, to, group_by: "day", number: numberId } });
    expect(byDay.rows.map((r) => r.key)).toEqual([...byDay.rows.map((r) => r.key)].sort());
    await expect(getReport({ ctx: system, input: { from: to, to: from } })).rejects.toMatchObject({
      details: { field: "to" },
    });
    await expect(getReport({ ctx: system, input: { from: "2024-01-01", to } })).rejects.toMatchObject({
      details: { field: "from" },
    });
  });
});

describe("reports in business hours", () => {
  it("measure open minutes exactly as the SLA clocks do (businessMinutesBetween per cycle)", async () => {
    const day: [string, string][] = [["09:00", "17:30"]];
    const hours = await saveBusinessHours({
      ctx: system,
      input: {
        name: "Reports office",
        timezone: "Europe/Madrid",
        weekly: { mon: day, tue: day, wed: day, thu: day, fri: [["08:00", "14:00"]] },
        holidays: [{ date: "2026-10-12" }],
      },
    });
    const report = await getReport({
      ctx: system,
      input: { from, to, group_by: "team", number: numberId, business_hours: hours.id },
    });
    expect(report.business_hours).toBe(true);
    const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8 as ${column}`);
    const cycles = await getDb().execute<{
      started_at: number;
      first_response_at: number | null;
      first_assigned_at: number | null;
      resolved_at: number | null;
    }>(sql`
      select ${ms("started_at")}, ${ms("first_response_at")}, ${ms("first_assigned_at")}, ${ms("resolved_at")}
      from conversation_cycles
      where phone_number_id = ${numberId} and started_at >= ${from}::date and started_at < ${to}::date + 1`);
    const between = (a: number | null, b: number | null) =>
      a === null || b === null ? null : businessMinutesBetween(hours, new Date(a), new Date(b));
    const expected = {
      frt: stat(cycles.map((c) => between(c.started_at, c.first_response_at)).filter((v) => v !== null)),
      res: stat(cycles.map((c) => between(c.started_at, c.resolved_at)).filter((v) => v !== null)),
      handle: stat(cycles.map((c) => between(c.first_assigned_at, c.resolved_at)).filter((v) => v !== null)),
    };
    expect(report.overall.first_response_minutes).toEqual(expected.frt);
    expect(report.overall.resolution_minutes).toEqual(expected.res);
    expect(report.overall.handle_minutes).toEqual(expected.handle);
    // Open minutes are fewer than wall-clock ones (nights and weekends are left out).
    const wall = await getReport({ ctx: system, input: { from, to, group_by: "team", number: numberId } });
    expect(report.overall.resolution_minutes.avg!).toBeLessThan(wall.overall.resolution_minutes.avg!);
  });
});

describe("reports pool", () => {
  it("runs reports with a statement timeout, and a timed-out report is a 503 naming what to do", async () => {
    const [setting] = await getReportsDb().execute<{ statement_timeout: string }>(
      sql`show statement_timeout`,
    );
    expect(setting!.statement_timeout).not.toBe("0");
    // A real query_canceled from Postgres (as the reports pool's timeout raises it), wrapped by drizzle.
    const error = await getDb()
      .transaction(async (tx) => {
        await tx.execute(sql`set local statement_timeout = 1`);
        await tx.execute(sql`select pg_sleep(1)`);
      })
      .catch((e: unknown) => e);
    const mapped = asReportError(error);
    expect(mapped).toBeInstanceOf(ReportTimeoutError);
    const res = errorResponse(mapped, "req-1");
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("report_timeout");
    // Anything else passes through unchanged.
    const other = new Error("boom");
    expect(asReportError(other)).toBe(other);
  });
});
