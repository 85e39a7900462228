import { describe, expect, it } from "vitest";
import type { MessageDto, TimelineEventDto } from "@/lib/conversations/schemas";
import { describeEvent, mergeTimeline } from "./timeline";

const message = (id: string, timestamp: string) => ({ id, timestamp }) as MessageDto;
const event = (id: string, at: string, type = "resolved", extra: Partial<TimelineEventDto> = {}) =>
  ({
    id,
    at,
    type,
    conversation_id: "c",
    actor_type: "user",
    actor_id: "u1",
    actor_name: "Ann",
    data: null,
    ...extra,
  }) as TimelineEventDto;

describe("mergeTimeline", () => {
  it("interleaves by time, events before messages on a tie, notes as notes", () => {
    const items = mergeTimeline(
      [message("m1", "2025-01-01T10:00:00Z"), message("m2", "2025-01-01T10:05:00Z")],
      // Newest first, as the API sends them.
      [event("e2", "2025-01-01T10:05:00Z", "note"), event("e1", "2025-01-01T10:01:00Z")],
    );
    expect(items.map((i) => (i.kind === "message" ? i.message.id : `${i.kind}:${i.event.id}`))).toEqual([
      "m1",
      "event:e1",
      "note:e2",
      "m2",
    ]);
  });

  it("holds back events older than the loaded messages while older messages exist", () => {
    const items = mergeTimeline(
      [message("m1", "2025-01-01T10:00:00Z")],
      [event("e1", "2025-01-01T09:00:00Z")],
      { olderMessages: true },
    );
    expect(items).toHaveLength(1);
    expect(
      mergeTimeline([message("m1", "2025-01-01T10:00:00Z")], [event("e1", "2025-01-01T09:00:00Z")]),
    ).toHaveLength(2);
  });
});

describe("describeEvent", () => {
  const names = { me: "u1", people: new Map([["u2", "Bob"]]), teams: new Map([["t2", "Sales"]]) };
  it("says who assigned whom", () => {
    expect(
      describeEvent(event("e", "x", "assigned", { data: { to_assignee: "u2" } }), { people: names.people }),
    ).toBe("Ann assigned this to Bob");
    expect(describeEvent(event("e", "x", "assigned", { data: { to_assignee: "u1" } }), names)).toBe(
      "You took this conversation",
    );
    expect(
      describeEvent(
        event("e", "x", "assigned", {
          actor_type: "system",
          actor_id: "router",
          data: { to_assignee: "u2" },
        }),
        names,
      ),
    ).toBe("Assigned to Bob automatically");
  });

  it("describes resolves, snoozes, labels, priority and transfers", () => {
    expect(describeEvent(event("e", "x", "resolved"))).toBe("Resolved by Ann");
    expect(describeEvent(event("e", "x", "snoozed", { data: { until: null } }))).toBe(
      "Snoozed until the customer replies by Ann",
    );
    expect(describeEvent(event("e", "x", "labeled", { data: { name: "VIP" } }))).toBe(
      "Label VIP added by Ann",
    );
    expect(describeEvent(event("e", "x", "priority_changed", { data: { to: "urgent" } }))).toBe(
      "Priority set to Urgent by Ann",
    );
    expect(
      describeEvent(event("e", "x", "transferred", { data: { to_team: "t2", to_assignee: null } }), names),
    ).toBe("You moved this to Sales");
  });

  it("describes a number change from ingest", () => {
    expect(
      describeEvent(
        event("e", "x", "identity_changed", {
          actor_type: "customer",
          data: { reason: "user_changed_number", previous: { phone: "111" }, current: { phone: "222" } },
        }),
      ),
    ).toBe("The customer changed their number from +111 to +222");
  });
});
