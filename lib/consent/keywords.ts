import type { ConsentStateName } from "./schemas";

export type ConsentKeyword = {
  keyword: string;
  state: ConsentStateName;
  category: string;
  language?: string;
};

// Built-in STOP/START words (stored folded, see foldKeyword). English CANCEL/END/QUIT are left out on
// purpose: in an order inbox "Cancel" alone usually means the order, not the subscription.
const OPT_OUT: [string, string][] = [
  ["stop", "en"],
  ["stop all", "en"],
  ["stopall", "en"],
  ["stop promotions", "en"],
  ["unsubscribe", "en"],
  ["opt out", "en"],
  ["opt-out", "en"],
  ["optout", "en"],
  ["stopp", "de"],
  ["abmelden", "de"],
  ["arret", "fr"],
  ["desabonner", "fr"],
  ["se desabonner", "fr"],
  ["desinscrire", "fr"],
  ["baja", "es"],
  ["darme de baja", "es"],
  ["parar", "es"],
  ["cancelar", "es"],
  ["sair", "pt"],
  ["descadastrar", "pt"],
  ["afmelden", "nl"],
  ["disiscriviti", "it"],
];
const OPT_IN: [string, string][] = [
  ["start", "en"],
  ["subscribe", "en"],
  ["unstop", "en"],
  ["resume", "en"],
  ["opt in", "en"],
  ["anmelden", "de"],
  ["abonner", "fr"],
  ["s'abonner", "fr"],
  ["alta", "es"],
  ["suscribir", "es"],
  ["suscribirme", "es"],
  ["inscrever", "pt"],
  ["assinar", "pt"],
  ["aanmelden", "nl"],
  ["iscriviti", "it"],
];

export const DEFAULT_CONSENT_KEYWORDS: readonly ConsentKeyword[] = [
  ...OPT_OUT.map(([keyword, language]) => ({
    keyword,
    state: "opt_out" as const,
    category: "marketing",
    language,
  })),
  ...OPT_IN.map(([keyword, language]) => ({
    keyword,
    state: "opt_in" as const,
    category: "marketing",
    language,
  })),
];

// Keywords are short; longer messages are conversation, never a command (and skip the lookup).
export const MAX_KEYWORD_LENGTH = 40;

/**
 * The form keywords are compared in: trimmed, case-folded, accents stripped (ARRÊT = arret), inner
 * whitespace collapsed, and punctuation or emoji around the word dropped ("Stop!" = stop).
 */
export function foldKeyword(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
}

/**
 * The keyword the whole message is, if any. Admin rows override defaults with the same word (a disabled
 * row switches a default off).
 */
export function matchConsentKeyword(
  text: string | null | undefined,
  overrides: readonly (ConsentKeyword & { enabled: boolean })[] = [],
): ConsentKeyword | null {
  if (!text || text.length > MAX_KEYWORD_LENGTH * 2) return null;
  const folded = foldKeyword(text);
  if (!folded || folded.length > MAX_KEYWORD_LENGTH) return null;
  const override = overrides.find((k) => k.keyword === folded);
  if (override) return override.enabled ? override : null;
  return DEFAULT_CONSENT_KEYWORDS.find((k) => k.keyword === folded) ?? null;
}
