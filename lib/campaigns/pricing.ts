import type { CostEstimate, CountryCost } from "./schemas";

// Cost estimates for template sends under per-message pricing (PROTOCOL.md §9 PMP). ESTIMATES ONLY:
// the rates are a small excerpt of Meta's rate card, not fetched from Meta, and will drift from it.

export const RATE_CARD = {
  currency: "USD",
  // The date of Meta's card these figures are taken from (PMP start); check Meta's current card.
  asOf: "2025-07-01",
  source: "Meta WhatsApp Business Platform rate card (per delivered template message), excerpt",
} as const;

export type PricedCategory = "MARKETING" | "UTILITY" | "AUTHENTICATION";
type Rates = { name: string; marketing: number; utility: number; authentication: number };

// Per delivered message, USD. "OTHER" stands in for Meta's regional "rest of world" buckets.
export const RATES: Record<string, Rates> = {
  AR: { name: "Argentina", marketing: 0.0618, utility: 0.026, authentication: 0.026 },
  BR: { name: "Brazil", marketing: 0.0625, utility: 0.0068, authentication: 0.0068 },
  CL: { name: "Chile", marketing: 0.0889, utility: 0.02, authentication: 0.02 },
  CO: { name: "Colombia", marketing: 0.0125, utility: 0.0008, authentication: 0.0008 },
  EG: { name: "Egypt", marketing: 0.1073, utility: 0.0036, authentication: 0.0036 },
  FR: { name: "France", marketing: 0.0859, utility: 0.03, authentication: 0.03 },
  DE: { name: "Germany", marketing: 0.1365, utility: 0.055, authentication: 0.055 },
  IN: { name: "India", marketing: 0.0107, utility: 0.0014, authentication: 0.0014 },
  ID: { name: "Indonesia", marketing: 0.0411, utility: 0.025, authentication: 0.025 },
  IL: { name: "Israel", marketing: 0.0353, utility: 0.0053, authentication: 0.0053 },
  IT: { name: "Italy", marketing: 0.0691, utility: 0.03, authentication: 0.03 },
  MY: { name: "Malaysia", marketing: 0.086, utility: 0.014, authentication: 0.014 },
  MX: { name: "Mexico", marketing: 0.0305, utility: 0.0085, authentication: 0.0085 },
  NL: { name: "Netherlands", marketing: 0.1597, utility: 0.05, authentication: 0.05 },
  NG: { name: "Nigeria", marketing: 0.0516, utility: 0.0067, authentication: 0.0067 },
  PK: { name: "Pakistan", marketing: 0.0473, utility: 0.0054, authentication: 0.0054 },
  PE: { name: "Peru", marketing: 0.0703, utility: 0.02, authentication: 0.02 },
  RU: { name: "Russia", marketing: 0.0802, utility: 0.04, authentication: 0.04 },
  SA: { name: "Saudi Arabia", marketing: 0.0455, utility: 0.0115, authentication: 0.0115 },
  ZA: { name: "South Africa", marketing: 0.0379, utility: 0.0076, authentication: 0.0076 },
  ES: { name: "Spain", marketing: 0.0615, utility: 0.02, authentication: 0.02 },
  TR: { name: "Turkey", marketing: 0.0109, utility: 0.0053, authentication: 0.0053 },
  AE: { name: "United Arab Emirates", marketing: 0.0384, utility: 0.0157, authentication: 0.0157 },
  GB: { name: "United Kingdom", marketing: 0.0529, utility: 0.022, authentication: 0.022 },
  US: { name: "United States / Canada", marketing: 0.025, utility: 0.0034, authentication: 0.0034 },
  OTHER: { name: "Other countries", marketing: 0.0604, utility: 0.0077, authentication: 0.0077 },
};

// Calling code → the rate card's country; longest prefix wins ("1" covers the US and Canada alike).
const CALLING_CODES: Record<string, string> = {
  "1": "US",
  "20": "EG",
  "27": "ZA",
  "31": "NL",
  "33": "FR",
  "34": "ES",
  "39": "IT",
  "44": "GB",
  "49": "DE",
  "51": "PE",
  "52": "MX",
  "54": "AR",
  "55": "BR",
  "56": "CL",
  "57": "CO",
  "60": "MY",
  "62": "ID",
  "7": "RU",
  "90": "TR",
  "91": "IN",
  "92": "PK",
  "234": "NG",
  "966": "SA",
  "971": "AE",
  "972": "IL",
};

/**
 * The recipient's country for pricing: the phone's calling code, else the BSUID's ISO prefix ("US.1349…",
 * PROTOCOL.md §4.1), else unknown. Countries outside the table price as OTHER.
 */
export function countryOf(contact: { phone: string | null; bsuid: string | null }): string | null {
  const digits = contact.phone?.replace(/\D/g, "") ?? "";
  for (let length = Math.min(3, digits.length); length >= 1; length--) {
    const country = CALLING_CODES[digits.slice(0, length)];
    if (country) return country;
  }
  const prefix = /^([A-Z]{2})\./.exec(contact.bsuid ?? "")?.[1];
  if (prefix) return prefix === "CA" ? "US" : prefix;
  return null;
}

/** One recipient, or `count` of them alike. */
export type PricedRecipient = { country: string | null; windowOpen: boolean; count?: number };

/**
 * PMP (PROTOCOL.md §9): marketing and authentication are charged per delivered message; utility is free
 * inside an open customer-service window. Assumes every message is delivered and ignores volume tiers.
 */
export function estimateCost(category: PricedCategory, recipients: PricedRecipient[]): CostEstimate {
  const byCountry = new Map<string, CountryCost>();
  const key = category.toLowerCase() as Lowercase<PricedCategory>;
  for (const recipient of recipients) {
    const country = recipient.country && RATES[recipient.country] ? recipient.country : "OTHER";
    const rates = RATES[country]!;
    const row = byCountry.get(country) ?? {
      country,
      name: rates.name,
      recipients: 0,
      billable: 0,
      rate: rates[key],
      cost: 0,
    };
    const count = recipient.count ?? 1;
    row.recipients += count;
    if (category !== "UTILITY" || !recipient.windowOpen) row.billable += count;
    byCountry.set(country, row);
  }
  const rows = [...byCountry.values()]
    .map((row) => ({ ...row, cost: round(row.billable * row.rate) }))
    .sort((a, b) => b.cost - a.cost || a.country.localeCompare(b.country));
  const notes = [
    `Estimate from a ${RATE_CARD.asOf} excerpt of Meta's rate card (${RATE_CARD.currency}); Meta bills by its current card.`,
    "Assumes every message is delivered (only delivered messages are charged) and ignores volume tiers.",
  ];
  if (category === "UTILITY")
    notes.push(
      "Utility templates to customers with an open 24-hour window are counted free (Meta reports that this ends on Oct 1 2026; unverified).",
    );
  if (byCountry.has("OTHER"))
    notes.push("Countries not in the table are priced at a generic rest-of-world rate.");
  return {
    currency: RATE_CARD.currency,
    category,
    total: round(rows.reduce((sum, row) => sum + row.cost, 0)),
    recipients: rows.reduce((sum, row) => sum + row.recipients, 0),
    billable: rows.reduce((sum, row) => sum + row.billable, 0),
    by_country: rows,
    rates_as_of: RATE_CARD.asOf,
    source: RATE_CARD.source,
    notes,
  };
}

// Micro-dollars are noise in an estimate; four decimals keep per-message rates exact.
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
