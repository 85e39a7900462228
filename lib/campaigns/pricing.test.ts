import { describe, expect, it } from "vitest";
import { countryOf, estimateCost, RATES } from "./pricing";

describe("countryOf", () => {
  it.each([
    [{ phone: "14155550101", bsuid: null }, "US"],
    [{ phone: "4915112345678", bsuid: null }, "DE"],
    [{ phone: "971501234567", bsuid: null }, "AE"],
    [{ phone: "819012345678", bsuid: null }, null],
    [{ phone: null, bsuid: "IN.55120938475610293" }, "IN"],
    [{ phone: null, bsuid: null }, null],
  ])("%j → %s", (contact, country) => {
    expect(countryOf(contact)).toBe(country);
  });
});

describe("estimateCost", () => {
  it("charges every marketing message at its country's rate, total and per country", () => {
    const estimate = estimateCost("MARKETING", [
      { country: "US", windowOpen: true },
      { country: "US", windowOpen: false },
      { country: "DE", windowOpen: false },
      { country: "JP", windowOpen: false },
    ]);
    const us = RATES.US!.marketing;
    const de = RATES.DE!.marketing;
    const other = RATES.OTHER!.marketing;
    expect(estimate.by_country).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ country: "US", recipients: 2, billable: 2, cost: 2 * us }),
        expect.objectContaining({ country: "DE", recipients: 1, billable: 1, cost: de }),
        expect.objectContaining({ country: "OTHER", recipients: 1, billable: 1, cost: other }),
      ]),
    );
    expect(estimate.total).toBeCloseTo(2 * us + de + other, 4);
    expect(estimate).toMatchObject({
      recipients: 4,
      billable: 4,
      currency: "USD",
      rates_as_of: "2025-07-01",
    });
    expect(estimate.notes.join(" ")).toMatch(/estimate/i);
  });

  it("counts utility inside an open window as free, outside it as charged", () => {
    const estimate = estimateCost("UTILITY", [
      { country: "GB", windowOpen: true },
      { country: "GB", windowOpen: false },
    ]);
    expect(estimate.by_country).toEqual([
      expect.objectContaining({ country: "GB", recipients: 2, billable: 1, cost: RATES.GB!.utility }),
    ]);
    expect(estimate.total).toBe(RATES.GB!.utility);
  });

  it("charges authentication always", () => {
    expect(estimateCost("AUTHENTICATION", [{ country: "IN", windowOpen: true }]).billable).toBe(1);
  });
});
