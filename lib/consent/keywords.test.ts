import { describe, expect, it } from "vitest";
import { DEFAULT_CONSENT_KEYWORDS, foldKeyword, matchConsentKeyword } from "./keywords";

describe("consent keywords", () => {
  it.each([
    ["STOP", "opt_out"],
    ["  stop  ", "opt_out"],
    ["Stop!", "opt_out"],
    ["UNSUBSCRIBE", "opt_out"],
    ["Stopp", "opt_out"],
    ["ARRÊT", "opt_out"],
    ["arret", "opt_out"],
    ["Baja", "opt_out"],
    ["PARAR", "opt_out"],
    ["cancelar.", "opt_out"],
    ["Stop   promotions", "opt_out"],
    ["START", "opt_in"],
    ["subscribe", "opt_in"],
    ["ALTA", "opt_in"],
    ["S'abonner", "opt_in"],
  ])("%j is %s", (text, state) => {
    expect(matchConsentKeyword(text)).toMatchObject({ state, category: "marketing" });
  });

  it.each([
    "Please stop calling me at work",
    "stop it",
    "Can you STOP my order?",
    "I want to subscribe to the newsletter",
    "cancel",
    "",
    "🙂",
    "s t o p",
  ])("%j is not a keyword (the whole message must be one)", (text) => {
    expect(matchConsentKeyword(text)).toBeNull();
  });

  it("ignores long messages without folding them", () => {
    expect(matchConsentKeyword(`STOP ${"x".repeat(500)}`)).toBeNull();
  });

  it("lets admin rows add keywords and switch defaults off", () => {
    const overrides = [
      { keyword: "nein danke", state: "opt_out" as const, category: "marketing", enabled: true },
      { keyword: "stop", state: "opt_out" as const, category: "marketing", enabled: false },
    ];
    expect(matchConsentKeyword("Nein danke", overrides)).toMatchObject({ state: "opt_out" });
    expect(matchConsentKeyword("STOP", overrides)).toBeNull();
    expect(matchConsentKeyword("UNSUBSCRIBE", overrides)).toMatchObject({ state: "opt_out" });
  });

  it("stores every default in folded form, once", () => {
    for (const k of DEFAULT_CONSENT_KEYWORDS) expect(foldKeyword(k.keyword)).toBe(k.keyword);
    const words = DEFAULT_CONSENT_KEYWORDS.map((k) => k.keyword);
    expect(new Set(words).size).toBe(words.length);
  });
});
