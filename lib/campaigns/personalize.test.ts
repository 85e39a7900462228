import { describe, expect, it } from "vitest";
import { personalize, personalizeAll, skipReasonFor, unknownFields } from "./personalize";

const maria = {
  phone: "14155550101",
  username: null,
  profile_name: "maria",
  address_book_name: "Maria Lopez",
};
const anonymous = { phone: null, username: "priya.n", profile_name: null, address_book_name: null };

describe("personalize", () => {
  it("fills contact fields, address-book name first", () => {
    expect(personalize("Hi {{contact.first_name}}", maria)).toBe("Hi Maria");
    expect(personalize("{{contact.name}} ({{ contact.phone }})", maria)).toBe("Maria Lopez (+14155550101)");
    expect(personalize("20% off", maria)).toBe("20% off");
  });

  it("uses the fallback for an empty field, and refuses an empty value without one", () => {
    expect(personalize("Hi {{contact.first_name|there}}", anonymous)).toBe("Hi there");
    expect(personalize("{{contact.first_name}}", anonymous)).toBeNull();
    expect(personalizeAll({ "1": "{{contact.username}}", "2": "{{contact.name}}" }, anonymous)).toBeNull();
    expect(personalizeAll({ "1": "{{contact.username}}" }, anonymous)).toEqual({ "1": "priya.n" });
  });

  it("names unknown fields", () => {
    expect(unknownFields("{{contact.nmae}} {{contact.name}}")).toEqual(["nmae"]);
  });
});

describe("skipReasonFor", () => {
  it.each([
    ["MARKETING", "opt_in", true, null],
    ["MARKETING", null, true, "no_opt_in"],
    ["MARKETING", "opt_out", true, "opted_out"],
    ["UTILITY", null, true, null],
    ["UTILITY", "opt_out", true, "opted_out"],
    ["AUTHENTICATION", null, true, null],
    ["MARKETING", "opt_in", false, "no_recipient"],
  ] as const)("%s with consent %s (address %s) → %s", (category, consent, hasAddress, reason) => {
    expect(skipReasonFor({ category, consent, hasAddress })).toBe(reason);
  });
});
