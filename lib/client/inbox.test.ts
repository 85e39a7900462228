import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { applyAction, listParams, mayAssignOthers, type Viewer } from "./inbox";

const conversation = {
  id: "c1",
  status: "open",
  team_id: "t1",
  assignee_id: null,
  assignee_name: null,
  priority: "normal",
  labels: [],
  snoozed_until: null,
  resolved_at: null,
} as unknown as ConversationSummary;

const agent: Viewer = { id: "u1", name: "Alex", role: "agent", teamIds: ["t1"], canAssign: false };
const supervisor: Viewer = { id: "u2", name: "Sam", role: "supervisor", teamIds: ["t1"], canAssign: true };

describe("listParams", () => {
  it("limits the work queues to open conversations, like their counts", () => {
    expect(listParams({ view: "mine", sort: "recent" })).toEqual({
      view: "mine",
      status: "open",
      sort: "recent",
    });
    expect(listParams({ view: "team", team: "t1", sort: "waiting", unread: true })).toEqual({
      view: "all",
      status: "open",
      team: "t1",
      unread: "true",
      sort: "waiting",
    });
    expect(listParams({ view: "resolved", sort: "recent", label: "l1", priority: "high" })).toEqual({
      view: "resolved",
      label: "l1",
      priority: "high",
      sort: "recent",
    });
  });
});

describe("applyAction", () => {
  it("assigns with the name, unassigns, resolves, snoozes and toggles labels", () => {
    expect(
      applyAction(conversation, { kind: "assign", body: { assignee_id: "u1" }, assigneeName: "Alex" }),
    ).toMatchObject({ assignee_id: "u1", assignee_name: "Alex", team_id: "t1" });
    expect(
      applyAction({ ...conversation, assignee_id: "u1" }, { kind: "assign", body: { assignee_id: null } }),
    ).toMatchObject({ assignee_id: null, assignee_name: null });
    expect(applyAction(conversation, { kind: "resolve" }).status).toBe("resolved");
    expect(applyAction(conversation, { kind: "snooze", until: null })).toMatchObject({
      status: "snoozed",
      snoozed_until: null,
    });
    const label = { id: "l1", name: "VIP", color: "#000000" };
    const labelled = applyAction(conversation, { kind: "label", label });
    expect(labelled.labels).toEqual([label]);
    expect(applyAction(labelled, { kind: "label", label }).labels).toHaveLength(1);
    expect(applyAction(labelled, { kind: "unlabel", label }).labels).toEqual([]);
  });
});

describe("mayAssignOthers", () => {
  it("mirrors the server: agents never, supervisors in their teams and teamless, admins always", () => {
    expect(mayAssignOthers(agent, conversation)).toBe(false);
    expect(mayAssignOthers(supervisor, conversation)).toBe(true);
    expect(mayAssignOthers(supervisor, { team_id: "t9", assignee_id: null })).toBe(false);
    expect(mayAssignOthers(supervisor, { team_id: null, assignee_id: null })).toBe(true);
    expect(
      mayAssignOthers({ ...supervisor, role: "admin", teamIds: [] }, { team_id: "t9", assignee_id: null }),
    ).toBe(true);
  });
});
