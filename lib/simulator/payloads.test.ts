import { describe, expect, it } from "vitest";
import { FIXTURE_CASES, KERRY, NOOR, BIZ } from "./fixture-cases";
import { fixtureKinds, readFixture } from "./fixtures";
import * as P from "./payloads";

describe("payload builders match the fixtures written from PROTOCOL.md", () => {
  it("has a case for every fixture file and a fixture for every case", () => {
    expect(FIXTURE_CASES.map(([k]) => k).sort()).toEqual(fixtureKinds());
  });

  for (const [kind, build] of FIXTURE_CASES) {
    it(kind, () => {
      const built = build();
      expect(built).toStrictEqual(readFixture(kind));
      // Key order too: "exactly that shape", as the bytes on the wire.
      expect(JSON.stringify(built)).toBe(JSON.stringify(readFixture(kind)));
    });
  }
});

describe("protocol rules encoded in the builders", () => {
  const at = (env: P.Envelope) => env.entry[0]!.changes[0]!.value;

  it("timestamps are strings in message-like payloads and entry.time is an integer", () => {
    for (const [kind, build] of FIXTURE_CASES) {
      const env = build();
      const text = JSON.stringify(env);
      // user_preferences is not message-like: Meta's reference prints its timestamp as an integer.
      const stringy = !env.entry.some((e) => e.changes.some((c) => c.field === "user_preferences"));
      for (const m of text.matchAll(/"timestamp":([^,}]+)/g))
        expect(m[1]!.startsWith('"'), kind).toBe(stringy);
      for (const e of env.entry) if (e.time !== undefined) expect(Number.isInteger(e.time)).toBe(true);
    }
  });

  it("omits the phone (not empty) for a username customer", () => {
    const v = at(
      P.inboundMessage(BIZ, NOOR, { id: "wamid.x", timestamp: "1", content: { type: "text", body: "hi" } }),
    );
    const contact = (v.contacts as Array<Record<string, unknown>>)[0]!;
    expect("wa_id" in contact).toBe(false);
    expect((v.messages as Array<Record<string, unknown>>)[0]!).not.toHaveProperty("from");
  });

  it("status contacts: username only once delivered; failed has no contacts, no pricing, and drops recipient_user_id when sent by phone", () => {
    const withUser = { ...KERRY, username: "kerry" };
    const sent = at(
      P.statusUpdate(BIZ, withUser, { id: "w", status: "sent", timestamp: "1", sentTo: "phone" }),
    );
    expect((sent.contacts as Array<{ profile: object }>)[0]!.profile).toEqual({ name: "Kerry Fisher" });
    const read = at(
      P.statusUpdate(BIZ, withUser, { id: "w", status: "read", timestamp: "1", sentTo: "phone" }),
    );
    expect((read.contacts as Array<{ profile: object }>)[0]!.profile).toEqual({
      name: "Kerry Fisher",
      username: "kerry",
    });
    const failed = at(
      P.statusUpdate(BIZ, KERRY, {
        id: "w",
        status: "failed",
        timestamp: "1",
        sentTo: "phone",
        pricing: P.pricingFor("service", true),
      }),
    );
    expect(failed.contacts).toBeUndefined();
    const st = (failed.statuses as Array<Record<string, unknown>>)[0]!;
    expect(st.recipient_user_id).toBeUndefined();
    expect(st.pricing).toBeUndefined();
    const failedBsuid = at(
      P.statusUpdate(BIZ, KERRY, { id: "w", status: "failed", timestamp: "1", sentTo: "bsuid" }),
    );
    expect((failedBsuid.statuses as Array<Record<string, unknown>>)[0]!.recipient_user_id).toBe(KERRY.bsuid);
  });

  it("pricing per PMP", () => {
    expect(P.pricingFor("service", true)).toEqual({
      billable: false,
      pricing_model: "PMP",
      type: "free_customer_service",
      category: "service",
    });
    expect(P.pricingFor("utility", true).billable).toBe(false);
    expect(P.pricingFor("utility", false)).toMatchObject({ billable: true, type: "regular" });
    expect(P.pricingFor("marketing", true)).toMatchObject({ billable: true, category: "marketing" });
    expect(P.pricingFor("marketing", true, true)).toMatchObject({
      billable: false,
      type: "free_entry_point",
    });
  });

  it("batch merges changes per WABA or keeps entries side by side", () => {
    const a = P.accountUpdate(BIZ, { time: 1, event: "ACCOUNT_OFFBOARDED" });
    const b = P.historyDeclined(BIZ);
    expect(P.batch([a, b], "entries").entry).toHaveLength(2);
    const merged = P.batch([a, b], "changes");
    expect(merged.entry).toHaveLength(1);
    expect(merged.entry[0]!.changes.map((c) => c.field)).toEqual(["account_update", "history"]);
    expect(a.entry[0]!.changes).toHaveLength(1); // inputs untouched
  });
});
