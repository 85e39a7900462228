import { describe, expect, it } from "vitest";
import type { CannedResponse } from "@/lib/client/inbox";
import { cannedQuery, fillCanned, matchCanned } from "./canned";

const canned = (shortcut: string, title: string): CannedResponse => ({
  id: shortcut,
  shortcut,
  title,
  body: `${title} body`,
  scope: "shared",
  updated_at: "2025-01-01T00:00:00Z",
});

describe("fillCanned", () => {
  it("fills the contact's name, first name and the agent's name", () => {
    expect(
      fillCanned("Hi {{contact.first_name}} ({{ contact.name }}), {{agent.name}} here.", {
        contactName: " Maria  Lopez ",
        agentName: "Alex Agent",
      }),
    ).toBe("Hi Maria (Maria  Lopez), Alex Agent here.");
  });

  it("leaves unknown variables and plain braces alone", () => {
    expect(fillCanned("{{order.id}} {x}", { contactName: "A", agentName: "B" })).toBe("{{order.id}} {x}");
  });
});

describe("cannedQuery", () => {
  it("is the word after a leading slash, and null otherwise", () => {
    expect(cannedQuery("/")).toBe("");
    expect(cannedQuery("/shi")).toBe("shi");
    expect(cannedQuery("/ship now")).toBeNull();
    expect(cannedQuery("hi /ship")).toBeNull();
    expect(cannedQuery("")).toBeNull();
  });
});

describe("matchCanned", () => {
  const list = [
    canned("thanks", "Thank you"),
    canned("ship", "Shipping times"),
    canned("addr", "Ship to a new address"),
  ];
  it("puts shortcut prefixes first, then shortcut or title matches", () => {
    expect(matchCanned(list, "sh").map((c) => c.shortcut)).toEqual(["ship", "addr"]);
    expect(matchCanned(list, "THANK").map((c) => c.shortcut)).toEqual(["thanks"]);
    expect(matchCanned(list, "").map((c) => c.shortcut)).toEqual(["thanks", "ship", "addr"]);
  });
});
