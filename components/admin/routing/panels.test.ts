import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HoursPanel } from "@/components/admin/hours/hours-panel";
import { SlaPanel } from "@/components/admin/sla/sla-panel";
import { describeConditions } from "./rule-form";
import { RoutingPanel } from "./routing-panel";
import { adminKeys, type BusinessHours, type RoutingRule } from "./types";

// The admin panels rendered with data already in the cache (as after the first fetch): what a page shows.

const team = (id: string, name: string) => ({
  id,
  name,
  member_count: 1,
  created_at: "2026-11-23T00:00:00Z",
  can: { manage: true, edit_roster: true, set_managers: true },
});
const hours: BusinessHours = {
  id: "h1",
  name: "Madrid office",
  timezone: "Europe/Madrid",
  weekly: {
    mon: [["09:00", "17:00"]],
    tue: [["09:00", "17:00"]],
    wed: [["09:00", "17:00"]],
    sat: [["10:00", "14:00"]],
  },
  holidays: [{ date: "2026-12-25", name: "Christmas" }],
};
const rules: RoutingRule[] = [
  {
    id: "r1",
    name: "Spanish to Sales",
    position: 1,
    active: true,
    conditions: { language: "es", business_hours: { id: "h1", open: false } },
    team_id: "t2",
    team_name: "Sales",
    created_at: "2026-11-01T09:00:00.000Z",
  },
  {
    id: "r2",
    name: "VIP",
    position: 2,
    active: false,
    conditions: { field: { name: "tier", equals: "gold" }, label_id: "gone" },
    team_id: "t1",
    team_name: "Support",
    created_at: "2026-11-02T09:00:00.000Z",
  },
];

function render(element: ReactElement, seed: (client: QueryClient) => void): string {
  const client = new QueryClient();
  seed(client);
  // React's text separators (<!-- -->) dropped, so assertions read like the page.
  return renderToString(createElement(QueryClientProvider, { client }, element)).replaceAll("<!-- -->", "");
}

function seedLists(client: QueryClient) {
  client.setQueryData(adminKeys.teams, [team("t1", "Support"), team("t2", "Sales")]);
  client.setQueryData(adminKeys.numbers, [{ id: "n1", name: "+1 555 010 0001" }]);
  client.setQueryData(adminKeys.labels, [{ id: "l1", name: "VIP" }]);
  client.setQueryData(adminKeys.hours, [hours]);
}

describe("routing admin", () => {
  it("lists the rules in order with their conditions, teams' policies and capacities", () => {
    const html = render(createElement(RoutingPanel, { canManage: true }), (client) => {
      seedLists(client);
      client.setQueryData(adminKeys.rules, rules);
      client.setQueryData(adminKeys.teamRouting("t1"), {
        id: "t1",
        name: "Support",
        policy: "least_loaded",
        waiting: 3,
        members: [{ user_id: "u1", name: "Alex Agent", availability: "online", capacity: 5, load: 2 }],
      });
      client.setQueryData(adminKeys.teamRouting("t2"), {
        id: "t2",
        name: "Sales",
        policy: "manual",
        waiting: 0,
        members: [],
      });
    });
    expect(html).toContain("3 waiting in the queue");
    expect(html).toContain("Capacity of Alex Agent");
    expect(html).toContain("No members yet");
    expect(html.indexOf("Spanish to Sales")).toBeLessThan(html.indexOf("VIP"));
    expect(html).toContain("(off)");
  });

  it("shows the empty state when there are no rules, and hides rules from team managers", () => {
    const seed = (client: QueryClient) => {
      seedLists(client);
      client.setQueryData(adminKeys.rules, []);
    };
    expect(render(createElement(RoutingPanel, { canManage: true }), seed)).toContain("No routing rules yet");
    expect(render(createElement(RoutingPanel, { canManage: false }), seed)).not.toContain("Routing rules");
  });

  it("describes each condition in words, naming what a rule points at", () => {
    const lists = {
      teams: [],
      numbers: [{ id: "n1", name: "+1 555 010 0001" }],
      labels: [{ id: "l1", name: "VIP" }],
      hours: [hours],
    };
    expect(
      describeConditions(
        {
          number_id: "n1",
          keyword: "refund",
          language: "es",
          label_id: "l1",
          field: { name: "topic", equals: "billing" },
          business_hours: { id: "h1", open: true },
        },
        lists,
      ),
    ).toEqual([
      "number is +1 555 010 0001",
      'message contains "refund"',
      "language is es",
      "has label VIP",
      'topic is "billing"',
      "during Madrid office",
    ]);
    expect(describeConditions({ label_id: "gone" }, lists)).toEqual(["has label (deleted)"]);
  });
});

describe("business hours and SLA admin", () => {
  it("summarises weekly hours and holidays", () => {
    const html = render(createElement(HoursPanel), (client) => client.setQueryData(adminKeys.hours, [hours]));
    expect(html).toContain("Mon–Wed 09:00–17:00 · Sat 10:00–14:00");
    expect(html).toContain("2026-12-25 (Christmas)");
  });

  it("lists SLA policies with their scope, targets and hours", () => {
    const html = render(createElement(SlaPanel), (client) => {
      seedLists(client);
      client.setQueryData(adminKeys.sla, [
        {
          id: "p1",
          name: "Support office",
          team_id: "t1",
          number_id: null,
          first_response_minutes: 15,
          next_response_minutes: 120,
          resolution_minutes: 2880,
          business_hours_id: "h1",
          active: true,
        },
      ]);
    });
    expect(html).toContain("Support office");
    expect(html).toContain("Support · any number");
    expect(html).toContain("15 min");
    expect(html).toContain("2 h");
    expect(html).toContain("2 d");
    expect(html).toContain("Madrid office");
  });
});
