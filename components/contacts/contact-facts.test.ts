import { describe, expect, it } from "vitest";
import type { TimelineEventDto } from "@/lib/conversations/schemas";
import { collectedByBot, fieldLabel, namesOf, notesOf } from "./contact-facts";

const event = (id: string, type: string, data: unknown, at = "2026-03-10T10:00:00Z"): TimelineEventDto => ({
  id,
  conversation_id: "c1",
  type,
  actor_type: "user",
  actor_id: "u1",
  actor_name: "Ann",
  data,
  at,
});

describe("contact facts", () => {
  it("takes the newest handoff's summary and non-empty fields", () => {
    const events = [
      event("3", "assigned", {}),
      event("2", "handoff", { summary: "Refund", fields: { order_number: "A-17", email: "", tries: 2 } }),
      event("1", "handoff", { summary: "Older", fields: { order_number: "old" } }),
    ];
    expect(collectedByBot(events)).toEqual({
      summary: "Refund",
      fields: [
        ["order_number", "A-17"],
        ["tries", "2"],
      ],
      at: "2026-03-10T10:00:00Z",
    });
    expect(collectedByBot([event("1", "note", { body: "x" })])).toBeNull();
    expect(fieldLabel("order_number")).toBe("Order number");
  });

  it("lists notes and puts the address-book name before the profile name", () => {
    expect(notesOf([event("1", "note", { body: "VIP" }), event("2", "resolved", {})])).toEqual([
      { id: "1", author: "Ann", body: "VIP", at: "2026-03-10T10:00:00Z" },
    ]);
    expect(namesOf({ address_book_name: "Mum", profile_name: "Maria" })).toEqual([
      { label: "Address book", value: "Mum" },
      { label: "WhatsApp profile", value: "Maria" },
    ]);
    expect(namesOf({ address_book_name: null, profile_name: "Maria" })).toEqual([
      { label: "WhatsApp profile", value: "Maria" },
    ]);
  });
});
