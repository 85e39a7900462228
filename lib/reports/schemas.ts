import { z } from "zod";

// Client-safe shapes of the supervisor report (the reports page imports these; lib/reports/report.ts fills them).

export const reportInput = z
  .object({
    /** First day (UTC), inclusive. */
    from: z.iso.date(),
    /** Last day (UTC), inclusive. */
    to: z.iso.date(),
    group_by: z.enum(["agent", "team", "number", "label", "day"]).default("team"),
    team: z.uuid().optional(),
    number: z.uuid().optional(),
    /** Measure times in these business hours' open minutes instead of wall-clock minutes. */
    business_hours: z.uuid().optional(),
  })
  .strict();
export type ReportInput = z.input<typeof reportInput>;

export type Stat = { avg: number | null; p50: number | null; p90: number | null; n: number };
export type ReportRow = {
  key: string | null;
  name: string;
  cycles: number;
  first_response_minutes: Stat;
  resolution_minutes: Stat;
  handle_minutes: Stat;
  reopened: number;
  reopen_rate: number | null;
  sla_breached: number;
  sla_compliance: number | null;
};
/** CSAT on the 1-3 scale (lib/csat): answered surveys, their mean, and the share that answered 3 ("Great"). */
export type CsatFigure = { answered: number; avg: number | null; positive_rate: number | null };
export type Report = {
  from: string;
  to: string;
  group_by: string;
  business_hours: boolean;
  volume: { day: string; source: string; direction: string; count: number }[];
  totals: { inbound: number; outbound: number; by_source: Record<string, number> };
  rows: ReportRow[];
  /** Every cycle in range once (a cycle with two labels is in two label rows). */
  overall: ReportRow;
  /** CSAT of the same cycles: overall, and per row by the row's key ("" for a null key). */
  csat: { overall: CsatFigure; rows: Record<string, CsatFigure> };
  bots: {
    sessions: number;
    handed_off: number;
    contained: number;
    containment_rate: number | null;
    handoff_rate: number | null;
  };
};
