// The Graph API surface the app calls (PROTOCOL.md §4.3, §5.1, §6, §8, §10). Paths may carry a
// version prefix (/v25.0/...) or not; the app's GRAPH_API_BASE points at the simulator root.
import { randomBytes } from "node:crypto";
import type { Engine, SendResult } from "./engine";
import { checkTemplateCreate, type Template } from "./rules";

export type GraphRequest = {
  method: string;
  path: string; // without version prefix
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: Buffer;
  /** When the request was stamped on arrival, on the engine's clock (engine.now()). */
  receivedAtMs?: number;
  /**
   * How long before that stamp it may have arrived: the simulator's busy loop held it (Meta's edge would not),
   * so its throughput limit must not count it as later than it came.
   */
  heldMs?: number;
};

export type GraphResponse = { status: number; body: unknown; contentType?: string; raw?: Buffer };

export async function handleGraph(engine: Engine, req: GraphRequest): Promise<GraphResponse> {
  // Embedded Signup's code exchange authenticates with the app's id and secret in the query, not a token.
  if (req.path.replace(/^\/+|\/+$/g, "") === "oauth/access_token") return exchangeSignupCode(engine, req);
  const auth = req.headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7).trim() : req.query.get("access_token");
  if (token !== engine.opts.accessToken && !(token && issuedTokens.get(engine)?.has(token)))
    return engine.err(190, "Invalid OAuth access token");

  const parts = req.path.split("/").filter(Boolean);
  const [id, edge, ...rest] = parts;
  if (!id || rest.length) return unsupported(engine, req, id);
  const m = req.method;

  // Media download (the short-lived url from GET /{media_id}).
  if (id === "whatsapp_business" && edge === "attachments") return downloadMedia(engine, req);

  if (edge === "messages" && m === "POST") {
    const body = await parseBody(req);
    return engine.apiSend(id, body, req.headers, req.receivedAtMs, req.heldMs);
  }
  if (edge === "media" && m === "POST") return uploadMedia(engine, id, req);
  if (edge === "smb_app_data" && m === "POST") return engine.smbAppData(id, await parseBody(req));
  if (edge === "message_templates") return templates(engine, id, req);
  if (edge === "subscribed_apps") return subscribedApps(engine, id, req);
  if (edge === "contact_book" && m === "DELETE") {
    if (!engine.numbers.has(id)) return unsupported(engine, req, id);
    const bsuid = req.query.get("bsuid") ?? "";
    if (bsuid.includes(".ENT."))
      return engine.err(100, "Parent BSUIDs are not accepted by the contact book.");
    return { status: 200, body: { success: true, deleted: Boolean(engine.findByBsuid(bsuid)) } };
  }
  if (edge) return unsupported(engine, req, id);

  // Node reads/deletes: phone number, media, template.
  const n = engine.numbers.get(id);
  if (n && m === "GET") {
    const fields = (req.query.get("fields") ?? "").split(",").filter(Boolean);
    const all: Record<string, unknown> = {
      verified_name: n.verifiedName ?? "Tandem Demo Store",
      display_phone_number: `+${n.displayNumber}`,
      quality_rating: "GREEN",
      code_verification_status: "VERIFIED",
      platform_type: n.connected ? "CLOUD_API" : "NOT_APPLICABLE",
      is_on_biz_app: n.coexistence && n.connected,
      throughput: { level: n.coexistence ? "COEXISTENCE" : "STANDARD" },
    };
    const pick = fields.length
      ? fields
      : ["verified_name", "display_phone_number", "quality_rating", "code_verification_status"];
    const out: Record<string, unknown> = {};
    for (const f of pick) if (f in all) out[f] = all[f];
    out.id = n.phoneNumberId;
    return { status: 200, body: out };
  }
  const media = engine.media.get(id);
  if (media && !media.deleted) {
    if (m === "GET") {
      return {
        status: 200,
        body: {
          messaging_product: "whatsapp",
          url: engine.mediaUrl(media),
          mime_type: media.mimeType,
          sha256: media.sha256Hex,
          file_size: media.bytes.length,
          id: media.id,
        },
      };
    }
    if (m === "DELETE") {
      media.deleted = true;
      return { status: 200, body: { success: true } };
    }
  }
  const t = engine.templates.get(id);
  if (t && m === "GET") return { status: 200, body: templateJson(t, req.query.get("fields")) };
  return unsupported(engine, req, id);
}

async function uploadMedia(engine: Engine, numberId: string, req: GraphRequest): Promise<GraphResponse> {
  if (!engine.numbers.has(numberId)) return unsupported(engine, req, numberId);
  const fault = engine.takeFault(numberId, "media");
  if (fault) return engine.faultResponse(fault);
  const ct = req.headers["content-type"] ?? "";
  if (!ct.startsWith("multipart/form-data"))
    return engine.err(131008, "Upload must be multipart/form-data with a file part.");
  let form: FormData;
  try {
    form = await new Request("http://sim.local/", {
      method: "POST",
      headers: { "content-type": ct },
      body: new Uint8Array(req.rawBody),
    }).formData();
  } catch {
    return engine.err(131053, "Could not parse the multipart body.");
  }
  if (form.get("messaging_product") !== "whatsapp")
    return engine.err(100, "The parameter messaging_product is required.");
  const file = form.get("file");
  if (!file || typeof file === "string") return engine.err(131008, "The parameter file is required.");
  const type = (form.get("type") as string | null) ?? file.type;
  if (!type) return engine.err(131008, "The parameter type is required.");
  const item = engine.storeMedia(Buffer.from(await file.arrayBuffer()), type, file.name || undefined);
  return { status: 200, body: { id: item.id } };
}

function downloadMedia(engine: Engine, req: GraphRequest): GraphResponse {
  const item = engine.media.get(req.query.get("mid") ?? "");
  const ext = Number(req.query.get("ext") ?? 0);
  if (!item || item.deleted) return { status: 404, body: "Not found", contentType: "text/html" };
  if (ext * 1000 < engine.now()) return { status: 404, body: "URL expired", contentType: "text/html" };
  return { status: 200, body: null, raw: item.bytes, contentType: item.mimeType };
}

async function templates(engine: Engine, wabaId: string, req: GraphRequest): Promise<GraphResponse> {
  if (![...engine.numbers.values()].some((n) => n.wabaId === wabaId)) return unsupported(engine, req, wabaId);
  if (req.method === "GET") {
    const name = req.query.get("name");
    const status = req.query.get("status");
    const limit = Math.max(1, Math.min(1000, Number(req.query.get("limit") ?? 25) || 25));
    const all = [...engine.templates.values()].filter(
      (t) => t.wabaId === wabaId && (!name || t.name === name) && (!status || t.status === status),
    );
    const after = Number(Buffer.from(req.query.get("after") ?? "", "base64").toString() || 0);
    const page = all.slice(after, after + limit);
    const body: Record<string, unknown> = { data: page.map((t) => templateJson(t, req.query.get("fields"))) };
    const cursors = {
      before: Buffer.from(String(after)).toString("base64"),
      after: Buffer.from(String(after + page.length)).toString("base64"),
    };
    body.paging =
      after + page.length < all.length
        ? {
            cursors,
            next: `${engine.baseUrl}/${wabaId}/message_templates?limit=${limit}&after=${cursors.after}`,
          }
        : { cursors };
    return { status: 200, body };
  }
  if (req.method === "POST") {
    const body = await parseBody(req);
    const invalid = checkTemplateCreate(body);
    if (invalid) return engine.err(invalid.code, invalid.details);
    return engine.createTemplate(wabaId, body);
  }
  if (req.method === "DELETE") {
    const name = req.query.get("name");
    const hsmId = req.query.get("hsm_id");
    if (!name) return engine.err(100, "The parameter name is required.");
    const victims = [...engine.templates.values()].filter(
      (t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId),
    );
    if (!victims.length) return engine.err(100, `Template ${name} does not exist`, 2593002);
    for (const t of victims) engine.templates.delete(t.id);
    return { status: 200, body: { success: true } };
  }
  return unsupported(engine, req, wabaId);
}

async function subscribedApps(engine: Engine, wabaId: string, req: GraphRequest): Promise<GraphResponse> {
  const numbers = [...engine.numbers.values()].filter((n) => n.wabaId === wabaId);
  if (!numbers.length) return unsupported(engine, req, wabaId);
  if (req.method === "GET") {
    const override = numbers[0]!.overrideCallbackUri;
    const app: Record<string, unknown> = {
      whatsapp_business_api_data: { id: "1000000000000001", link: "https://tandem.example", name: "Tandem" },
    };
    if (override) app.override_callback_uri = override;
    return { status: 200, body: { data: [app] } };
  }
  if (req.method === "POST") {
    const body = await parseBody(req);
    const uri = typeof body.override_callback_uri === "string" ? body.override_callback_uri : undefined;
    if (uri) {
      // Same handshake Meta does before saving an override (§1.1).
      const challenge = String(Math.floor(Math.random() * 1e9));
      const url = new URL(uri);
      url.searchParams.set("hub.mode", "subscribe");
      url.searchParams.set("hub.verify_token", String(body.verify_token ?? ""));
      url.searchParams.set("hub.challenge", challenge);
      const ok = await fetch(url, { signal: AbortSignal.timeout(5000) })
        .then(async (r) => r.status === 200 && (await r.text()) === challenge)
        .catch(() => false);
      if (!ok) return engine.err(2200, "Callback verification failed: the URL did not return the challenge.");
    }
    for (const n of numbers) {
      if (uri) n.overrideCallbackUri = uri;
      else delete n.overrideCallbackUri;
    }
    return { status: 200, body: { success: true } };
  }
  if (req.method === "DELETE") {
    for (const n of numbers) delete n.overrideCallbackUri;
    return { status: 200, body: { success: true } };
  }
  return unsupported(engine, req, wabaId);
}

function templateJson(t: Template, fields: string | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
    rejected_reason: t.rejectedReason ?? "NONE",
    quality_score: { score: t.quality ?? "GREEN" },
  };
  const wanted = fields
    ? fields.split(",").map((f) => f.trim())
    : ["name", "parameter_format", "components", "language", "status", "category", "id"];
  const out: Record<string, unknown> = {};
  for (const f of wanted) if (f in all) out[f] = all[f];
  out.id = t.id;
  return out;
}

async function parseBody(req: GraphRequest): Promise<Record<string, unknown>> {
  const ct = req.headers["content-type"] ?? "";
  const text = req.rawBody.toString("utf8");
  if (!text) return {};
  if (ct.includes("application/x-www-form-urlencoded")) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      try {
        out[k] = v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v;
      } catch {
        out[k] = v;
      }
    }
    return out;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return { __invalid_json: true };
  }
}

function unsupported(engine: Engine, req: GraphRequest, id: string | undefined): SendResult {
  return engine.err(
    100,
    `Unsupported ${req.method.toLowerCase()} request. Object with ID '${id ?? ""}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    33,
  );
}

/** Codes Embedded Signup would hand the browser: any code with this prefix, or one a test registers. */
export const SIGNUP_CODE_PREFIX = "sim-signup-";
const registeredCodes = new WeakMap<Engine, Set<string>>();
const usedCodes = new WeakMap<Engine, Set<string>>();
// Business tokens handed out by the exchange; the Graph endpoints accept them like the simulator's own.
const issuedTokens = new WeakMap<Engine, Set<string>>();

export function registerSignupCode(engine: Engine, code: string): void {
  const codes = registeredCodes.get(engine) ?? new Set<string>();
  codes.add(code);
  registeredCodes.set(engine, codes);
}

/**
 * GET /oauth/access_token?client_id&client_secret&code: a valid, unused code becomes the business token
 * (a fresh one the other Graph endpoints accept, so the connected number works at once). Codes are
 * single-use, as Meta's are.
 */
function exchangeSignupCode(engine: Engine, req: GraphRequest): GraphResponse {
  const oauthError = (code: number, message: string) => ({
    status: 400,
    body: {
      error: {
        message,
        type: "OAuthException",
        code,
        fbtrace_id: `sim${Math.random().toString(36).slice(2, 12)}`,
      },
    },
  });
  if (req.method !== "GET") return unsupported(engine, req, "oauth");
  const clientId = req.query.get("client_id") ?? "";
  const code = req.query.get("code") ?? "";
  if (!/^\d+$/.test(clientId))
    return oauthError(101, "Error validating application. Invalid application ID.");
  if (req.query.get("client_secret") !== engine.opts.appSecret)
    return oauthError(1, "Error validating client secret.");
  if (!code.startsWith(SIGNUP_CODE_PREFIX) && !registeredCodes.get(engine)?.has(code))
    return oauthError(100, "Invalid verification code format.");
  const used = usedCodes.get(engine) ?? new Set<string>();
  if (used.has(code)) return oauthError(100, "This authorization code has been used.");
  used.add(code);
  usedCodes.set(engine, used);
  const token = `EAAGsim${randomBytes(24).toString("hex")}`;
  const issued = issuedTokens.get(engine) ?? new Set<string>();
  issued.add(token);
  issuedTokens.set(engine, issued);
  return { status: 200, body: { access_token: token, token_type: "bearer" } };
}
