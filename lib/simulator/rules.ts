// Meta's sending rules as pure functions (PROTOCOL.md §6, §7, §9, §10). No I/O, no clock of their own.

export const WINDOW_MS = 24 * 60 * 60 * 1000;
export const FEP_MS = 72 * 60 * 60 * 1000;

/** The customer service window, from the customer's last *inbound* message only (§9). */
export function windowOpen(lastInboundAtMs: number | undefined, nowMs: number): boolean {
  return lastInboundAtMs !== undefined && nowMs - lastInboundAtMs < WINDOW_MS;
}

/** Messages per second per business number: 20 on Coexistence, 80 otherwise (§5.5). */
export function throughputLimit(coexistence: boolean, override?: number): number {
  return override ?? (coexistence ? 20 : 80);
}

/** Sliding one-second window of accepted sends. */
export class RateWindow {
  /** Sorted by stamp; each hit arrived somewhere in [earliest, stamp]. */
  private hits: { earliest: number; stamp: number }[] = [];
  constructor(private readonly windowMs = 1000) {}

  /**
   * Records the hit and returns true unless it would make a window of `windowMs` hold more than `limit` hits
   * for certain; then it records nothing. A hit is stamped when handled, up to `stampMs - earliestMs` after
   * it may have arrived (this process's own delay, which Meta's edge does not have), so limit + 1 hits crowd a
   * window for certain only when no two of them may have come 1 s apart. Hits come in out of order too, so
   * every window that holds the new one is checked.
   */
  tryHit(earliestMs: number, limit: number, stampMs = earliestMs): boolean {
    const hits = this.hits;
    while (hits.length && hits[0]!.stamp <= stampMs - 2 * this.windowMs) hits.shift();
    let at = hits.length;
    while (at > 0 && hits[at - 1]!.stamp > stampMs) at--;
    hits.splice(at, 0, { earliest: earliestMs, stamp: stampMs });
    for (let first = Math.max(0, at - limit); first <= at && first + limit < hits.length; first++)
      if (widestSpan(hits.slice(first, first + limit + 1)) < this.windowMs) {
        hits.splice(at, 1);
        return false;
      }
    return true;
  }
}

/** The most two of `hits` may lie apart, each anywhere in its [earliest, stamp] (two different hits). */
function widestSpan(hits: { earliest: number; stamp: number }[]): number {
  let widest = -Infinity;
  let earliestBefore = Infinity;
  let latestBefore = -Infinity;
  for (const hit of hits) {
    widest = Math.max(widest, hit.stamp - earliestBefore, latestBefore - hit.earliest);
    earliestBefore = Math.min(earliestBefore, hit.earliest);
    latestBefore = Math.max(latestBefore, hit.stamp);
  }
  return widest;
}

/** Pair rate (business number, user): a burst, then one message per `refillMs` (§7, 131056). */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.last = nowMs;
  }

  take(nowMs: number): boolean {
    const refill = Math.floor((nowMs - this.last) / this.refillMs);
    if (refill > 0) {
      this.tokens = Math.min(this.burst, this.tokens + refill);
      this.last += refill * this.refillMs;
    }
    if (this.tokens <= 0) return false;
    this.tokens -= 1;
    return true;
  }
}

// ---------- templates ----------

export type TemplateStatus = "PENDING" | "APPROVED" | "REJECTED" | "PAUSED" | "DISABLED";
export type TemplateCategory = "UTILITY" | "MARKETING" | "AUTHENTICATION";

export type TemplateComponent = {
  type: string;
  format?: string;
  text?: string;
  buttons?: Array<{ type: string; text?: string; url?: string }>;
  [k: string]: unknown;
};

export type Template = {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  parameterFormat: "POSITIONAL" | "NAMED";
  components: TemplateComponent[];
  rejectedReason?: string;
  /** Absent = GREEN (what GET reports until a quality update says otherwise). */
  quality?: "GREEN" | "YELLOW" | "RED" | "UNKNOWN";
};

export type SendComponent = {
  type?: string;
  sub_type?: string;
  index?: string | number;
  parameters?: Array<{ type?: string; text?: string; parameter_name?: string; [k: string]: unknown }>;
};

export type RuleError = { code: number; details: string };

export const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

export function normaliseLanguage(code: string): string {
  return code.replace("-", "_");
}

/** Variables in a component text: `{{1}}` (positional) or `{{first_name}}` (named). */
export function templateVariables(text: string | undefined): string[] {
  if (!text) return [];
  return [...text.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!);
}

/**
 * Checks a template send against the stored template: 132001 missing/not approved in that language,
 * 132015/132016 paused/disabled, 132000 parameter count, 132012 parameter format.
 */
export function checkTemplateSend(
  candidates: Template[],
  send: { name?: string; language?: { code?: string }; components?: SendComponent[] },
): { template: Template } | { error: RuleError } {
  const lang = normaliseLanguage(send.language?.code ?? "");
  const t = candidates.find((c) => c.name === send.name && c.language === lang);
  if (!t || t.status === "PENDING" || t.status === "REJECTED") {
    return {
      error: {
        code: 132001,
        details: `template name (${send.name}) does not exist in ${lang || "the requested language"}`,
      },
    };
  }
  if (t.status === "PAUSED")
    return { error: { code: 132015, details: `Template ${t.name} is paused due to low quality.` } };
  if (t.status === "DISABLED")
    return { error: { code: 132016, details: `Template ${t.name} has been disabled.` } };

  const sent = send.components ?? [];
  for (const kind of ["header", "body"] as const) {
    const def = t.components.find((c) => c.type.toLowerCase() === kind);
    const given = sent.find((c) => (c.type ?? "").toLowerCase() === kind);
    const params = given?.parameters ?? [];
    if (kind === "header" && def && def.format && def.format !== "TEXT") {
      if (params.length !== 1)
        return {
          error: { code: 132000, details: `header: expected 1 media parameter, got ${params.length}` },
        };
      const want = def.format.toLowerCase();
      if (params[0]!.type !== want)
        return {
          error: { code: 132012, details: `header: expected a ${want} parameter, got ${params[0]!.type}` },
        };
      continue;
    }
    const vars = templateVariables(def?.text);
    if (params.length !== vars.length) {
      return {
        error: {
          code: 132000,
          details: `${kind}: number of localizable_params (${params.length}) does not match the expected number of params (${vars.length})`,
        },
      };
    }
    for (const p of params) {
      const named = p.parameter_name !== undefined;
      if (t.parameterFormat === "NAMED" && (!named || !vars.includes(p.parameter_name!))) {
        return {
          error: {
            code: 132012,
            details: `${kind}: NAMED template expects parameter_name in ${vars.join(", ")}`,
          },
        };
      }
      if (t.parameterFormat === "POSITIONAL" && named) {
        return {
          error: { code: 132012, details: `${kind}: POSITIONAL template does not take parameter_name` },
        };
      }
    }
  }
  return { template: t };
}

/** Minimal validation of a template creation body (§10). */
export function checkTemplateCreate(body: Record<string, unknown>): RuleError | null {
  const name = body.name;
  if (typeof name !== "string" || !TEMPLATE_NAME.test(name))
    return { code: 100, details: "name must use lowercase letters, digits and underscores" };
  if (typeof body.language !== "string") return { code: 100, details: "language is required" };
  if (!["UTILITY", "MARKETING", "AUTHENTICATION"].includes(String(body.category)))
    return { code: 100, details: "category must be UTILITY, MARKETING or AUTHENTICATION" };
  if (
    !Array.isArray(body.components) ||
    !body.components.some((c) => (c as TemplateComponent)?.type?.toUpperCase() === "BODY")
  )
    return { code: 100, details: "components must include a BODY" };
  return null;
}

// ---------- Graph error bodies ----------

export const ERROR_TITLES: Record<number, string> = {
  0: "AuthException",
  2: "Service temporarily unavailable",
  4: "Application request limit reached",
  10: "Permission denied",
  100: "Invalid parameter",
  190: "Invalid OAuth access token - Cannot parse access token",
  368: "Temporarily blocked for policies violations",
  80007: "Rate limit issues",
  130429: "Rate limit hit",
  131000: "Something went wrong",
  131005: "Access denied",
  131008: "Required parameter is missing",
  131009: "Parameter value is not valid",
  131026: "Message undeliverable",
  131031: "Business Account locked",
  131042: "Business eligibility payment issue",
  131047: "Re-engagement message",
  131048: "Spam rate limit hit",
  131049: "This message was not delivered to maintain healthy ecosystem engagement.",
  131050: "User has stopped receiving marketing messages",
  131051: "Unsupported message type",
  131053: "Media upload error",
  131056: "(Business Account, Consumer Account) pair rate limit hit",
  131062: "Business-scoped user ID recipient not supported for this message",
  132000: "Number of parameters does not match the expected number of params",
  132001: "Template name does not exist in the translation",
  132005: "Translated text too long",
  132007: "Template Format Character Policy Violated",
  132012: "Parameter format does not match format in the created template",
  132015: "Template is Paused",
  132016: "Template is Disabled",
  133010: "Phone number Not Registered",
  2593109: "History sync is turned off by the business",
};

export function errorTitle(code: number): string {
  return ERROR_TITLES[code] ?? "Unknown error";
}

export function httpStatusFor(code: number): number {
  if (code === 190 || code === 0) return 401;
  if (code === 130429 || code === 4 || code === 80007) return 429;
  if (code === 10 || (code >= 200 && code <= 299)) return 403;
  if (code === 2 || code === 131000) return 500;
  return 400;
}

export function graphErrorBody(
  code: number,
  details: string,
  traceId: string,
  subcode?: number,
): Record<string, unknown> {
  if (code === 190) {
    return { error: { message: errorTitle(190), type: "OAuthException", code: 190, fbtrace_id: traceId } };
  }
  const error: Record<string, unknown> = {
    message: `(#${code}) ${errorTitle(code)}`,
    type: "OAuthException",
    code,
    error_data: { messaging_product: "whatsapp", details },
  };
  if (subcode !== undefined) error.error_subcode = subcode;
  if (code === 2 || code === 131000 || code === 130429) error.is_transient = true;
  error.fbtrace_id = traceId;
  return { error };
}
