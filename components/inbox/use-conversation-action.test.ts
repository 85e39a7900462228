import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "@/lib/conversations/schemas";
import { matchesList } from "./use-conversation-action";

const c = (patch: Partial<ConversationSummary>) =>
  ({
    status: "open",
    assignee_id: null,
    team_id: "t1",
    priority: "normal",
    labels: [],
    ...patch,
  }) as ConversationSummary;

describe("matchesList", () => {
  it("drops a resolved or snoozed conversation from the open queues", () => {
    expect(matchesList(c({}), { view: "all", status: "open" }, "me")).toBe(true);
    expect(matchesList(c({ status: "resolved" }), { view: "all", status: "open" }, "me")).toBe(false);
    expect(matchesList(c({ status: "snoozed" }), { view: "snoozed" }, "me")).toBe(true);
    expect(matchesList(c({ status: "open" }), { view: "resolved" }, "me")).toBe(false);
  });
  it("follows the assignee, team, priority and label of the view", () => {
    expect(matchesList(c({ assignee_id: "me" }), { view: "mine", status: "open" }, "me")).toBe(true);
    expect(matchesList(c({ assignee_id: "me" }), { view: "unassigned", status: "open" }, "me")).toBe(false);
    expect(matchesList(c({ team_id: "t2" }), { view: "all", team: "t1" }, "me")).toBe(false);
    expect(matchesList(c({ priority: "high" }), { view: "all", priority: "urgent" }, "me")).toBe(false);
    expect(
      matchesList(
        c({ labels: [{ id: "l1", name: "VIP", color: "#000" }] }),
        { view: "all", label: "l1" },
        "me",
      ),
    ).toBe(true);
  });
});
