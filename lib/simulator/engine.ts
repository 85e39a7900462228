// The simulator's world: numbers, customers, chats, templates, media, faults, and the actions that
// produce webhooks. Transport-free: graph.ts and sim-api.ts are the HTTP adapters over it.
import { createHash } from "node:crypto";
import { Deliverer } from "./delivery";
import type {
  Biz,
  Content,
  Envelope,
  ErrorObject,
  HistoryMessage,
  MarketingPreference,
  Person,
  Pricing,
  SharedContact,
  QualityScore,
  StatusName,
  TemplateEvent,
} from "./payloads";
import * as P from "./payloads";
import type { Template, TemplateCategory } from "./rules";
import {
  RateWindow,
  TokenBucket,
  checkTemplateCreate,
  checkTemplateSend,
  errorTitle,
  FEP_MS,
  graphErrorBody,
  httpStatusFor,
  normaliseLanguage,
  throughputLimit,
  windowOpen,
} from "./rules";
import { fbtraceId as fbtrace, newBsuid, newNumericId, newWamid, unixSeconds } from "./sign";

export type NumberConfig = {
  wabaId: string;
  phoneNumberId: string;
  displayNumber: string;
  coexistence: boolean;
  verifiedName?: string;
};

export type SimNumber = NumberConfig & {
  connected: boolean;
  syncRequests: { history?: string; smb_app_state_sync?: string };
  overrideCallbackUri?: string;
};

export type SimCustomer = Person & {
  id: string;
  createdAt: number;
  /** Name in the business's address book (contact sync); absent = not in it. */
  addressBookName?: string;
  /** When set, statuses for sends to this customer follow this plan instead of the global one. */
  statusPlan?: StatusStep[];
  /** The customer tapped "Stop promotions" (user_preferences stop): marketing templates fail with 131050. */
  marketingStopped?: boolean;
};

export type StatusStep = Exclude<StatusName, "played"> | "played";

export type ChatMessage = {
  id: string;
  numberId: string;
  customerId: string;
  origin: "customer" | "api" | "business_app" | "history";
  type: string;
  text?: string;
  mediaId?: string;
  /** Audio that is a voice note (customer `voice`, or an API send of an OGG/Opus file): can be `played`. */
  voice?: boolean;
  at: number;
  status?: StatusName;
  errors?: ErrorObject[];
  contextId?: string;
  edited?: boolean;
  revoked?: boolean;
  reaction?: { messageId: string; emoji: string };
  bizOpaqueCallbackData?: string;
  /** History only: true when the customer wrote it. */
  inbound?: boolean;
  /** Buttons/rows the customer can tap on an interactive or template message (for the page). */
  choices?: Array<{
    kind: "button_reply" | "list_reply" | "button" | "nfm_reply";
    id: string;
    title: string;
  }>;
};

export type MediaItem = {
  id: string;
  bytes: Buffer;
  mimeType: string;
  filename?: string;
  sha256Hex: string;
  sha256B64: string;
  createdAt: number;
  deleted: boolean;
};

export type Fault = {
  id: number;
  /** Meta error code to answer with (sync), or to report as a failed status when `async`. */
  code?: number;
  /** Bare HTTP failure (e.g. 500, 503) with Meta's transient error body. */
  httpStatus?: number;
  numberId?: string;
  /** Which Graph calls it hits; default "messages". */
  scope: "messages" | "media" | "templates" | "any";
  async: boolean;
  until?: number;
  remaining?: number;
};

export type SimConfig = {
  /**
   * Steps for every API send. `played` only ever applies to voice notes: it is dropped from the plan of
   * any other message, and kept where the plan puts it for a voice note.
   */
  statusPlan: StatusStep[];
  /** Voice notes get `played` right after `read` when their plan has `read` but no `played` (§3, since Mar 2026). */
  voicePlayed: boolean;
  statusStepMs: number;
  /** Error code used for a "failed" step in a status plan. */
  failCode: number;
  /** 131047 (window) and 131026 (undeliverable) come back as failed statuses like Meta, or as sync errors. */
  windowErrors: "async" | "sync";
  templateReviewMs: number;
  templateDecision: "APPROVED" | "REJECTED";
  pairRate: { burst: number; refillMs: number };
  throughputOverride?: number;
  mediaUrlTtlMs: number;
  history: {
    days: number;
    messagesPerThread: number;
    threadsPerChunk: number;
    declined: boolean;
    chunkDelayMs: number;
  };
};

export type RequestLog = {
  id: number;
  at: number;
  /** How much `at` may be late by: the simulator's event loop was busy when the request came (loop-watch.ts). */
  held_ms?: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  response?: unknown;
};

export type EngineOptions = {
  numbers: NumberConfig[];
  appWebhookUrl: string;
  appSecret: string;
  accessToken: string;
  retrySchedule: number[];
  webhookTimeoutMs: number;
  escapeSlashes: boolean;
  config?: Partial<SimConfig>;
  templates?: Array<Partial<Template> & { name: string; wabaId?: string }>;
  log: (line: string) => void;
};

export const DEFAULT_CONFIG: SimConfig = {
  statusPlan: ["sent", "delivered", "read"],
  voicePlayed: true,
  statusStepMs: 150,
  failCode: 131026,
  windowErrors: "async",
  templateReviewMs: 1500,
  templateDecision: "APPROVED",
  pairRate: { burst: 45, refillMs: 6000 },
  mediaUrlTtlMs: 5 * 60 * 1000,
  history: { days: 180, messagesPerThread: 6, threadsPerChunk: 2, declined: false, chunkDelayMs: 30 },
};

export type SendResult = { status: number; body: unknown };

export class Engine {
  numbers = new Map<string, SimNumber>();
  customers = new Map<string, SimCustomer>();
  chats: ChatMessage[] = [];
  templates = new Map<string, Template>();
  media = new Map<string, MediaItem>();
  faults: Fault[] = [];
  requests: RequestLog[] = [];
  sendsByCallbackData = new Map<string, number>();
  sendsByIdempotencyKey = new Map<string, number>();
  config: SimConfig;
  clockOffsetMs = 0;
  baseUrl = "";
  readonly delivery: Deliverer;

  private lastInbound = new Map<string, number>();
  private referralAt = new Map<string, number>();
  private throughput = new Map<string, RateWindow>();
  private pairBuckets = new Map<string, TokenBucket>();
  private nextFaultId = 1;
  private nextRequestId = 1;
  private nextCustomerId = 1;

  constructor(readonly opts: EngineOptions) {
    this.config = structuredClone({ ...DEFAULT_CONFIG, ...opts.config });
    this.delivery = new Deliverer({
      secret: opts.appSecret,
      retrySchedule: opts.retrySchedule,
      timeoutMs: opts.webhookTimeoutMs,
      escapeSlashes: opts.escapeSlashes,
      log: opts.log,
      resolveUrl: (env) => this.webhookUrlFor(env),
    });
    this.seed();
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  reset(): void {
    this.delivery.reset();
    this.numbers.clear();
    this.customers.clear();
    this.chats = [];
    this.templates.clear();
    this.media.clear();
    this.faults = [];
    this.requests = [];
    this.sendsByCallbackData.clear();
    this.sendsByIdempotencyKey.clear();
    this.lastInbound.clear();
    this.referralAt.clear();
    this.throughput.clear();
    this.pairBuckets.clear();
    this.clockOffsetMs = 0;
    this.nextCustomerId = 1;
    this.config = structuredClone({ ...DEFAULT_CONFIG, ...this.opts.config });
    this.seed();
  }

  private seed(): void {
    // Webhooks carry the display number as digits even when it is configured formatted (§1.4).
    for (const n of this.opts.numbers)
      this.numbers.set(n.phoneNumberId, {
        ...n,
        displayNumber: n.displayNumber.replace(/\D/g, ""),
        connected: true,
        syncRequests: {},
      });
    for (const t of this.opts.templates ?? []) {
      const wabaId = t.wabaId ?? this.opts.numbers[0]?.wabaId ?? "";
      const tpl = this.makeTemplate(wabaId, {
        name: t.name,
        language: t.language ?? "en_US",
        category: t.category ?? "UTILITY",
        parameter_format: t.parameterFormat ?? "POSITIONAL",
        components: t.components ?? [{ type: "BODY", text: "Hello {{1}}" }],
      });
      tpl.status = t.status ?? "APPROVED";
    }
  }

  // ---------- lookups ----------

  number(id?: string): SimNumber {
    const n = id ? this.numbers.get(id) : this.numbers.values().next().value;
    if (!n) throw new SimError(404, `unknown phone number id ${id}`);
    return n;
  }

  biz(n: SimNumber): Biz {
    return { wabaId: n.wabaId, phoneNumberId: n.phoneNumberId, displayNumber: n.displayNumber };
  }

  customer(id: string): SimCustomer {
    const c = this.customers.get(id);
    if (!c) throw new SimError(404, `unknown customer ${id}`);
    return c;
  }

  findByPhone(phone: string): SimCustomer | undefined {
    const digits = phone.replace(/\D/g, "");
    for (const c of this.customers.values()) if (c.phone === digits) return c;
    return undefined;
  }

  findByBsuid(bsuid: string): SimCustomer | undefined {
    for (const c of this.customers.values()) if (c.bsuid === bsuid || c.parentBsuid === bsuid) return c;
    return undefined;
  }

  isWindowOpen(numberId: string, customerId: string): boolean {
    return windowOpen(this.lastInbound.get(`${numberId}:${customerId}`), this.now());
  }

  lastInboundAt(numberId: string, customerId: string): number | undefined {
    return this.lastInbound.get(`${numberId}:${customerId}`);
  }

  // ---------- customers ----------

  addCustomer(input: {
    name: string;
    phone?: string;
    username?: string;
    bsuid?: string;
    parentBsuid?: string;
    addressBookName?: string;
    statusPlan?: StatusStep[];
  }): SimCustomer {
    const phone = input.phone?.replace(/\D/g, "") || undefined;
    if (!phone && !input.username) throw new SimError(400, "a customer needs a phone or a username");
    if (phone && this.findByPhone(phone)) throw new SimError(409, `customer with phone ${phone} exists`);
    const c: SimCustomer = {
      id: `c${this.nextCustomerId++}`,
      name: input.name,
      bsuid: input.bsuid ?? newBsuid(countryOf(phone)),
      createdAt: this.now(),
    };
    if (phone) c.phone = phone;
    if (input.username) c.username = input.username;
    if (input.parentBsuid) c.parentBsuid = input.parentBsuid;
    if (input.addressBookName) c.addressBookName = input.addressBookName;
    if (input.statusPlan) c.statusPlan = input.statusPlan;
    this.customers.set(c.id, c);
    return c;
  }

  /** The customer types something on their phone → `messages` webhook; opens/extends the window. */
  customerSend(customerId: string, input: Record<string, unknown>): { id: string; deliveries: number[] } {
    const c = this.customer(customerId);
    const n = this.number(str(input.numberId));
    const content = this.contentFrom(input, "customer");
    const id = newWamid();
    // ageMs backdates the message (a late retry of an old event): lets tests close the window on both sides.
    const at = this.now() - (num(input.ageMs) ?? 0);
    const msg: P.InboundInput = { id, timestamp: unixSeconds(at), content };
    const contextId = str(input.contextId);
    if (contextId) msg.context = { from: n.displayNumber, id: contextId };
    if (input.forwarded) msg.context = { forwarded: true };
    if (input.referral) {
      const r = typeof input.referral === "object" ? (input.referral as Partial<P.Referral>) : {};
      msg.referral = {
        sourceUrl: "https://fb.me/sim-ad",
        sourceId: newNumericId(18),
        sourceType: "ad",
        headline: "Simulated ad",
        body: "Tap to chat with us",
        mediaType: "image",
        imageUrl: "https://scontent.xx.fbcdn.net/sim-ad.jpg",
        ctwaClid: `ARA${newNumericId(24)}`,
        welcomeMessage: "Hi! How can we help?",
        ...r,
      };
      this.referralAt.set(`${n.phoneNumberId}:${c.id}`, at);
    }
    this.lastInbound.set(`${n.phoneNumberId}:${c.id}`, at);
    this.recordChat(n, c, id, "customer", content, at, contextId);
    return { id, deliveries: this.delivery.send(P.inboundMessage(this.biz(n), c, msg)) };
  }

  /** The owner types on the Business app → `smb_message_echoes`. Never touches the window (§5.2). */
  ownerSend(customerId: string, input: Record<string, unknown>): { id: string; deliveries: number[] } {
    const c = this.customer(customerId);
    const n = this.number(str(input.numberId));
    const id = newWamid();
    const at = this.now() - (num(input.ageMs) ?? 0);
    const echo: P.EchoInput = { id, timestamp: unixSeconds(at) };
    if (input.type === "errors") {
      echo.errors = [P.ECHO_CONTENT_UNAVAILABLE];
      this.chats.push({
        id,
        numberId: n.phoneNumberId,
        customerId: c.id,
        origin: "business_app",
        type: "errors",
        at,
        errors: echo.errors,
      });
    } else {
      echo.content = this.contentFrom(input, "business");
      this.recordChat(n, c, id, "business_app", echo.content, at, undefined);
    }
    return { id, deliveries: this.delivery.send(P.messageEcho(this.biz(n), c, echo)) };
  }

  /** The customer opens the chat: everything the business sent becomes read (if the plan allows). */
  customerReads(customerId: string, numberId?: string): number {
    const c = this.customer(customerId);
    const n = this.number(numberId);
    let count = 0;
    for (const m of this.chats) {
      if (m.customerId !== c.id || m.numberId !== n.phoneNumberId || m.origin !== "api") continue;
      if (m.status === "sent" || m.status === "delivered") {
        m.status = "read";
        count++;
        this.delivery.send(
          P.statusUpdate(this.biz(n), c, {
            id: m.id,
            status: "read",
            timestamp: unixSeconds(this.now()),
            sentTo: c.phone ? "phone" : "bsuid",
            ...(m.bizOpaqueCallbackData === undefined
              ? {}
              : { bizOpaqueCallbackData: m.bizOpaqueCallbackData }),
          }),
        );
      }
    }
    return count;
  }

  /**
   * The customer plays the business's voice notes (one, or all not yet played) → `played` statuses,
   * preceded by `read` when the note was not read yet (playing it opens the chat).
   */
  customerPlays(customerId: string, numberId?: string, messageId?: string): number {
    const c = this.customer(customerId);
    const n = this.number(numberId);
    let count = 0;
    for (const m of this.chats) {
      if (m.customerId !== c.id || m.numberId !== n.phoneNumberId || m.origin !== "api" || !m.voice) continue;
      if (messageId && m.id !== messageId) continue;
      if (m.status !== "sent" && m.status !== "delivered" && m.status !== "read") continue;
      const steps: StatusName[] = m.status === "read" ? ["played"] : ["read", "played"];
      for (const status of steps) {
        m.status = status;
        this.delivery.send(
          P.statusUpdate(this.biz(n), c, {
            id: m.id,
            status,
            timestamp: unixSeconds(this.now()),
            sentTo: c.phone ? "phone" : "bsuid",
            ...(m.bizOpaqueCallbackData === undefined
              ? {}
              : { bizOpaqueCallbackData: m.bizOpaqueCallbackData }),
          }),
        );
      }
      count++;
    }
    if (messageId && !count) throw new SimError(404, `no playable voice note ${messageId}`);
    return count;
  }

  /** The customer stops or resumes marketing messages → `user_preferences` (§4.6). */
  marketingPreference(customerId: string, value: MarketingPreference, numberId?: string): SimCustomer {
    const c = this.customer(customerId);
    const n = this.number(numberId);
    if (value === "stop") c.marketingStopped = true;
    else delete c.marketingStopped;
    this.delivery.send(
      P.userPreferences(this.biz(n), c, { timestamp: Math.floor(this.now() / 1000), value }),
    );
    return c;
  }

  // ---------- Graph: send ----------

  apiSend(
    numberId: string,
    body: Record<string, unknown>,
    headers: Record<string, string>,
    /** When the request was stamped, and how long before that it may have arrived (graph.ts GraphRequest). */
    receivedAtMs?: number,
    heldMs = 0,
  ): SendResult {
    const n = this.numbers.get(numberId);
    if (!n) return this.err(100, `Unsupported post request. Object with ID '${numberId}' does not exist`, 33);
    if (body.messaging_product !== "whatsapp")
      return this.err(100, "The parameter messaging_product is required.");
    // After PARTNER_REMOVED / ACCOUNT_OFFBOARDED the number is no longer on Cloud API until
    // ACCOUNT_RECONNECTED. [unverified] Meta does not document what a send then returns; 133010
    // ("Account not registered") is the most plausible: it is what an unregistered number gets.
    if (!n.connected)
      return this.err(
        133010,
        "This phone number is not connected to Cloud API (partner removed or offboarded). Reconnect it, then retry.",
      );

    // mark as read (+ typing indicator)
    if (body.status === "read") {
      const target = str(body.message_id);
      const m = this.chats.find((x) => x.id === target && x.origin === "customer");
      if (!m) return this.err(100, `Invalid parameter: message_id ${target} not found`);
      for (const x of this.chats)
        if (x.customerId === m.customerId && x.origin === "customer" && x.at <= m.at) x.status = "read";
      return { status: 200, body: { success: true } };
    }

    const fault = this.takeFault(n.phoneNumberId, "messages");
    if (fault && !fault.async) return this.faultResponse(fault);

    const to = str(body.to);
    const recipientId = str(body.recipient);
    if (!to && !recipientId) return this.err(100, "The parameter to is required.");
    const type = str(body.type) ?? "text";
    const payload = body[type] as Record<string, unknown> | undefined;
    const invalid = validateSendBody(type, payload);
    if (invalid) return this.err(invalid.code, invalid.details);

    // to (the phone) wins when both are present (§4.4).
    const sentTo: "phone" | "bsuid" = to ? "phone" : "bsuid";
    const c = to ? this.findByPhone(to) : this.findByBsuid(recipientId!);

    let template: Template | undefined;
    if (type === "template") {
      const check = checkTemplateSend(
        [...this.templates.values()].filter((t) => t.wabaId === n.wabaId),
        payload as Parameters<typeof checkTemplateSend>[1],
      );
      if ("error" in check) return this.err(check.error.code, check.error.details);
      template = check.template;
      if (sentTo === "bsuid" && template.category === "AUTHENTICATION")
        return this.err(131062, "Authentication templates need a phone number recipient.");
    }

    const stamp = receivedAtMs ?? this.now();
    // The earliest the request may have arrived: what the pair rate, the chat and the entry point count from.
    const now = stamp - heldMs;
    const limit = throughputLimit(n.coexistence, this.config.throughputOverride);
    if (!this.throughputFor(n).tryHit(now, limit, stamp))
      return this.err(
        130429,
        `Message failed to send because there were too many messages sent from this phone number in a short period of time.`,
      );

    const windowIsOpen = c ? this.isWindowOpen(n.phoneNumberId, c.id) : false;
    let asyncError: ErrorObject | undefined;
    if (!c) {
      const e = P.errorObject(131026, errorTitle(131026), "Message Undeliverable.", true);
      if (this.config.windowErrors === "sync") return this.err(131026, e.error_data.details);
      asyncError = e;
    } else {
      if (!this.pairBucket(n, c, now).take(now))
        return this.err(
          131056,
          "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
        );
      if (type !== "template" && !windowIsOpen) {
        const details =
          "Message failed to send because more than 24 hours have passed since the customer last replied to this number.";
        if (this.config.windowErrors === "sync") return this.err(131047, details);
        asyncError = P.errorObject(131047, errorTitle(131047), details, true);
      }
    }
    if (!asyncError && c?.marketingStopped && template?.category === "MARKETING")
      asyncError = P.errorObject(
        131050,
        errorTitle(131050),
        "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
        true,
      );
    if (fault?.async)
      asyncError = P.errorObject(
        fault.code ?? 131000,
        errorTitle(fault.code ?? 131000),
        "Injected fault",
        true,
      );

    const id = newWamid();
    const cb = str(body.biz_opaque_callback_data);
    if (cb !== undefined) this.sendsByCallbackData.set(cb, (this.sendsByCallbackData.get(cb) ?? 0) + 1);
    const idem = headers["idempotency-key"] ?? headers["x-idempotency-key"];
    if (idem) this.sendsByIdempotencyKey.set(idem, (this.sendsByIdempotencyKey.get(idem) ?? 0) + 1);

    const contact: Record<string, string> = { input: sentTo === "phone" ? to! : recipientId! };
    if (sentTo === "phone") contact.wa_id = c?.phone ?? to!.replace(/\D/g, "");
    else contact.user_id = c?.bsuid ?? recipientId!;
    const response = {
      messaging_product: "whatsapp",
      contacts: [contact],
      messages: [{ id, message_status: "accepted" }],
    };

    if (c) {
      const chat: ChatMessage = {
        id,
        numberId: n.phoneNumberId,
        customerId: c.id,
        origin: "api",
        type,
        at: now,
        ...describeSend(type, payload),
      };
      const ctx = (body.context as { message_id?: string } | undefined)?.message_id;
      if (ctx) chat.contextId = ctx;
      if (type === "audio" && this.isVoiceNote(payload)) chat.voice = true;
      if (cb !== undefined) chat.bizOpaqueCallbackData = cb;
      this.chats.push(chat);
      const fep = now - (this.referralAt.get(`${n.phoneNumberId}:${c.id}`) ?? -Infinity) < FEP_MS;
      const kind = template
        ? (template.category.toLowerCase() as "utility" | "marketing" | "authentication")
        : "service";
      this.scheduleStatuses(n, c, chat, sentTo, P.pricingFor(kind, windowIsOpen, fep), asyncError);
    }
    return { status: 200, body: response };
  }

  private scheduleStatuses(
    n: SimNumber,
    c: SimCustomer,
    chat: ChatMessage,
    sentTo: "phone" | "bsuid",
    pricing: Pricing,
    error?: ErrorObject,
  ): void {
    const plan: StatusStep[] = error
      ? ["failed"]
      : planFor(c.statusPlan ?? this.config.statusPlan, Boolean(chat.voice), this.config.voicePlayed);
    plan.forEach((step, i) => {
      this.delivery.later(this.config.statusStepMs * (i + 1), () => {
        const errors =
          step === "failed"
            ? [
                error ??
                  P.errorObject(
                    this.config.failCode,
                    errorTitle(this.config.failCode),
                    "Simulated failure",
                    true,
                  ),
              ]
            : undefined;
        chat.status = rank(step) > rank(chat.status) || step === "failed" ? step : chat.status;
        if (errors) chat.errors = errors;
        const s: P.StatusInput = {
          id: chat.id,
          status: step,
          timestamp: unixSeconds(this.now()),
          sentTo,
          pricing,
        };
        if (chat.bizOpaqueCallbackData !== undefined) s.bizOpaqueCallbackData = chat.bizOpaqueCallbackData;
        if (errors) s.errors = errors;
        this.delivery.send(P.statusUpdate(this.biz(n), c, s));
      });
    });
  }

  /** A voice note is audio sent as an OGG/Opus file (§6): by uploaded media id, or by an .ogg/.opus link. */
  private isVoiceNote(p: Record<string, unknown> | undefined): boolean {
    if (typeof p?.id === "string") return /ogg|opus/i.test(this.media.get(p.id)?.mimeType ?? "");
    return typeof p?.link === "string" && /\.(ogg|opus)(\?|#|$)/i.test(p.link);
  }

  // ---------- Graph: media ----------

  storeMedia(bytes: Buffer, mimeType: string, filename?: string): MediaItem {
    const m: MediaItem = {
      id: newNumericId(16),
      bytes,
      mimeType,
      sha256Hex: createHash("sha256").update(bytes).digest("hex"),
      sha256B64: createHash("sha256").update(bytes).digest("base64"),
      createdAt: this.now(),
      deleted: false,
    };
    if (filename) m.filename = filename;
    this.media.set(m.id, m);
    return m;
  }

  mediaUrl(m: MediaItem): string {
    const ext = Math.floor((this.now() + this.config.mediaUrlTtlMs) / 1000);
    return `${this.baseUrl}/whatsapp_business/attachments/?mid=${m.id}&ext=${ext}&hash=${m.sha256Hex.slice(0, 16)}`;
  }

  // ---------- templates ----------

  makeTemplate(wabaId: string, body: Record<string, unknown>): Template {
    const t: Template = {
      // 15 digits: webhooks carry the id as a JSON number, and 16 digits can pass 2^53 and lose precision.
      id: newNumericId(15),
      wabaId,
      name: String(body.name),
      language: normaliseLanguage(String(body.language)),
      category: String(body.category) as TemplateCategory,
      status: "PENDING",
      parameterFormat: body.parameter_format === "NAMED" ? "NAMED" : "POSITIONAL",
      components: (body.components as Template["components"]) ?? [],
    };
    this.templates.set(t.id, t);
    return t;
  }

  createTemplate(wabaId: string, body: Record<string, unknown>): SendResult {
    const fault = this.takeFault(undefined, "templates");
    if (fault) return this.faultResponse(fault);
    const invalid = checkTemplateCreate(body);
    if (invalid) return this.err(invalid.code, invalid.details);
    const lang = normaliseLanguage(String(body.language));
    if (
      [...this.templates.values()].some(
        (t) => t.wabaId === wabaId && t.name === body.name && t.language === lang,
      )
    )
      return this.err(100, `Content in this language already exists for ${String(body.name)}`, 2388024);
    const t = this.makeTemplate(wabaId, body);
    const decision = /reject/.test(t.name) ? "REJECTED" : this.config.templateDecision;
    this.delivery.later(this.config.templateReviewMs, () => {
      if (this.templates.get(t.id)?.status === "PENDING")
        this.setTemplateStatus(t.id, decision, decision === "REJECTED" ? "INVALID_FORMAT" : undefined);
    });
    return { status: 200, body: { id: t.id, status: t.status, category: t.category } };
  }

  setTemplateStatus(id: string, event: TemplateEvent, reason?: string): Template {
    const t = this.templates.get(id);
    if (!t) throw new SimError(404, `unknown template ${id}`);
    if (["APPROVED", "REJECTED", "PENDING", "PAUSED", "DISABLED"].includes(event))
      t.status = event as Template["status"];
    if (event === "REINSTATED" || event === "UNARCHIVED") t.status = "APPROVED";
    if (event === "REJECTED") t.rejectedReason = reason ?? "INVALID_FORMAT";
    if (event === "DELETED") this.templates.delete(id);
    const ev: Parameters<typeof P.templateStatusUpdate>[1] = {
      time: Math.floor(this.now() / 1000),
      event,
      templateId: Number(t.id),
      name: t.name,
      language: t.language,
      category: t.category,
    };
    if (reason) ev.reason = reason;
    this.delivery.send(P.templateStatusUpdate(t.wabaId, ev));
    return t;
  }

  changeTemplateCategory(id: string, newCategory: TemplateCategory): Template {
    const t = this.templates.get(id);
    if (!t) throw new SimError(404, `unknown template ${id}`);
    const previous = t.category;
    t.category = newCategory;
    this.delivery.send(
      P.templateCategoryUpdate(t.wabaId, {
        time: Math.floor(this.now() / 1000),
        templateId: Number(t.id),
        name: t.name,
        language: t.language,
        previousCategory: previous,
        newCategory,
      }),
    );
    return t;
  }

  setTemplateQuality(id: string, score: QualityScore): Template {
    const t = this.templates.get(id);
    if (!t) throw new SimError(404, `unknown template ${id}`);
    if (!["GREEN", "YELLOW", "RED", "UNKNOWN"].includes(score))
      throw new SimError(400, "score must be GREEN, YELLOW, RED or UNKNOWN");
    const previous = t.quality ?? "GREEN";
    t.quality = score;
    this.delivery.send(
      P.templateQualityUpdate(t.wabaId, {
        time: Math.floor(this.now() / 1000),
        templateId: Number(t.id),
        name: t.name,
        language: t.language,
        previousScore: previous,
        newScore: score,
      }),
    );
    return t;
  }

  // ---------- Coexistence syncs ----------

  /** `POST /{pnid}/smb_app_data` (§5.1): accepted once per onboarding; the webhooks follow. */
  smbAppData(numberId: string, body: Record<string, unknown>): SendResult {
    const n = this.numbers.get(numberId);
    if (!n) return this.err(100, `Unsupported post request. Object with ID '${numberId}' does not exist`, 33);
    const syncType = body.sync_type;
    if (body.messaging_product !== "whatsapp")
      return this.err(100, "The parameter messaging_product is required.");
    if (syncType !== "history" && syncType !== "smb_app_state_sync")
      return this.err(100, "Invalid parameter: sync_type");
    if (!n.coexistence)
      return this.err(100, "This phone number is not onboarded through the WhatsApp Business app.");
    // [unverified] Meta's exact error for a repeated sync is not documented; 100 with a clear message.
    if (n.syncRequests[syncType])
      return this.err(100, `A ${syncType} sync was already requested for this onboarding.`);
    const requestId = newNumericId(16);
    n.syncRequests[syncType] = requestId;
    if (syncType === "history") this.delivery.later(50, () => this.runHistory(n.phoneNumberId));
    else this.delivery.later(50, () => this.runContactSync(n.phoneNumberId));
    return { status: 200, body: { messaging_product: "whatsapp", request_id: requestId } };
  }

  /**
   * History sync: per customer, N messages spread over `days`, both directions, in phases 0/1/2,
   * chunks sent shuffled (chunk_order still tells the order); media newer than 14 days gets a follow-up.
   */
  runHistory(
    numberId: string,
    overrides: Partial<SimConfig["history"]> & { customerIds?: string[] } = {},
  ): { chunks: number; declined: boolean } {
    const n = this.number(numberId);
    const h = { ...this.config.history, ...overrides };
    const biz = this.biz(n);
    if (h.declined) {
      this.delivery.send(P.historyDeclined(biz));
      return { chunks: 0, declined: true };
    }
    const customers = overrides.customerIds
      ? overrides.customerIds.map((id) => this.customer(id))
      : [...this.customers.values()];
    const now = this.now();
    const day = 86_400_000;
    const phases: Array<Array<{ person: Person; messages: HistoryMessage[] }>> = [[], [], []];
    const followUps: Envelope[] = [];
    for (const c of customers) {
      const perPhase: HistoryMessage[][] = [[], [], []];
      for (let i = 0; i < h.messagesPerThread; i++) {
        const age =
          h.messagesPerThread === 1
            ? day / 2
            : (h.days * day * (h.messagesPerThread - 1 - i)) / (h.messagesPerThread - 1) + 60_000;
        const at = now - Math.max(age, 60_000);
        const ageDays = (now - at) / day;
        const phase = ageDays < 1 ? 0 : ageDays < 90 ? 1 : 2;
        const direction = i % 2 === 0 ? "inbound" : "outbound";
        const isMedia = i % 3 === 2;
        const id = newWamid();
        const timestamp = unixSeconds(at);
        const m: HistoryMessage = {
          id,
          timestamp,
          direction,
          status: direction === "inbound" ? "READ" : "DELIVERED",
        };
        if (!isMedia)
          m.content = {
            type: "text",
            body: `${direction === "inbound" ? c.name : "Business"}: history message ${i + 1}`,
          };
        perPhase[phase]!.push(m);
        const chat: ChatMessage = {
          id,
          numberId: n.phoneNumberId,
          customerId: c.id,
          origin: "history",
          type: isMedia ? "image" : "text",
          at,
          inbound: direction === "inbound",
        };
        if (!isMedia) chat.text = (m.content as { body: string }).body;
        this.chats.push(chat);
        if (isMedia && now - at < 14 * day) {
          const item = this.storeMedia(placeholderImage(), "image/jpeg");
          chat.mediaId = item.id;
          followUps.push(
            P.historyMedia(biz, c, {
              id,
              timestamp,
              direction,
              content: {
                type: "image",
                media: { id: item.id, mimeType: item.mimeType, sha256: item.sha256B64 },
              },
            }),
          );
        }
      }
      perPhase.forEach((msgs, phase) => {
        if (msgs.length) phases[phase]!.push({ person: c, messages: msgs });
      });
    }
    const chunks: Array<Omit<P.HistoryChunkInput, "progress" | "chunkOrder">> = [];
    phases.forEach((threads, phase) => {
      for (let i = 0; i < threads.length; i += h.threadsPerChunk)
        chunks.push({ phase: phase as 0 | 1 | 2, threads: threads.slice(i, i + h.threadsPerChunk) });
    });
    // A sync with nothing at all still reports completion.
    if (!chunks.length) chunks.push({ phase: 0, threads: [] });
    const envs = chunks.map((c, i) =>
      P.historyChunk(biz, { ...c, chunkOrder: i + 1, progress: Math.round(((i + 1) / chunks.length) * 100) }),
    );
    // Chunks may arrive out of order; swap neighbours so apps must use chunk_order.
    const order = envs.map((_, i) => i);
    for (let i = 0; i + 1 < order.length; i += 2) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
    order.forEach((idx, k) => this.delivery.later(h.chunkDelayMs * k, () => this.delivery.send(envs[idx]!)));
    followUps.forEach((f, k) =>
      this.delivery.later(h.chunkDelayMs * (envs.length + k), () => this.delivery.send(f)),
    );
    return { chunks: envs.length, declined: false };
  }

  /** Initial address book: every customer with an address-book name (or all, named after their profile). */
  runContactSync(numberId: string): number {
    const n = this.number(numberId);
    const ts = unixSeconds(this.now());
    const items: P.StateSyncItem[] = [...this.customers.values()].map((c) => {
      c.addressBookName ??= c.name;
      return { action: "add", timestamp: ts, contact: syncContact(c) };
    });
    if (items.length) this.delivery.send(P.stateSync(this.biz(n), items));
    return items.length;
  }

  /** The owner adds/edits (both "add") or removes one contact in the Business app. */
  contactChange(customerId: string, action: "add" | "remove", numberId?: string, fullName?: string): void {
    const c = this.customer(customerId);
    const n = this.number(numberId);
    if (action === "add") c.addressBookName = fullName ?? c.addressBookName ?? c.name;
    else delete c.addressBookName;
    const contact = syncContact(c);
    if (action === "remove" && fullName === undefined) delete contact.fullName;
    this.delivery.send(P.stateSync(this.biz(n), [{ action, timestamp: unixSeconds(this.now()), contact }]));
  }

  // ---------- identity and account ----------

  changeNumber(
    customerId: string,
    input: { newPhone?: string; numberId?: string; userIdUpdate?: boolean },
  ): SimCustomer {
    const c = this.customer(customerId);
    if (!c.phone) throw new SimError(400, "customer has no phone; use change-user-id");
    const n = this.number(input.numberId);
    const oldPhone = c.phone;
    const previousBsuid = c.bsuid;
    const newPhone = input.newPhone?.replace(/\D/g, "") || `${oldPhone.slice(0, -4)}${newNumericId(4)}`;
    c.phone = newPhone;
    c.bsuid = newBsuid(countryOf(newPhone)); // regenerated on a phone change (§4.1)
    const ts = unixSeconds(this.now());
    const s: Parameters<typeof P.userChangedNumber>[1] = {
      id: newWamid(),
      timestamp: ts,
      oldPhone,
      newPhone,
      newBsuid: c.bsuid,
      previousBsuid,
    };
    this.delivery.send(P.userChangedNumber(this.biz(n), s));
    if (input.userIdUpdate)
      this.delivery.send(
        P.userIdUpdate(this.biz(n), {
          timestamp: ts,
          waId: newPhone,
          previous: previousBsuid,
          current: c.bsuid,
        }),
      );
    this.moveWindow(c.id, c.id);
    return c;
  }

  changeUserId(customerId: string, input: { numberId?: string; userIdUpdate?: boolean }): SimCustomer {
    const c = this.customer(customerId);
    const n = this.number(input.numberId);
    const previousBsuid = c.bsuid;
    c.bsuid = newBsuid(previousBsuid.split(".")[0]);
    const ts = unixSeconds(this.now());
    this.delivery.send(
      P.userChangedUserId(this.biz(n), { id: newWamid(), timestamp: ts, newBsuid: c.bsuid, previousBsuid }),
    );
    if (input.userIdUpdate) {
      const u: Parameters<typeof P.userIdUpdate>[1] = {
        timestamp: ts,
        previous: previousBsuid,
        current: c.bsuid,
      };
      if (c.phone) u.waId = c.phone;
      this.delivery.send(P.userIdUpdate(this.biz(n), u));
    }
    return c;
  }

  accountUpdate(numberId: string | undefined, event: P.AccountEvent, reason?: P.DisconnectReason): void {
    const n = this.number(numberId);
    n.connected = event === "ACCOUNT_RECONNECTED";
    if (event === "ACCOUNT_RECONNECTED") n.syncRequests = {};
    const a: Parameters<typeof P.accountUpdate>[1] = { time: Math.floor(this.now() / 1000), event };
    if (reason) a.reason = reason;
    this.delivery.send(P.accountUpdate(this.biz(n), a));
  }

  // ---------- faults ----------

  addFault(input: {
    code?: number;
    httpStatus?: number;
    numberId?: string;
    durationMs?: number;
    count?: number;
    scope?: Fault["scope"];
    async?: boolean;
  }): Fault {
    if (input.code === undefined && input.httpStatus === undefined)
      throw new SimError(400, "a fault needs code or httpStatus");
    const f: Fault = {
      id: this.nextFaultId++,
      scope: input.scope ?? "messages",
      async: input.async ?? false,
    };
    if (input.code !== undefined) f.code = input.code;
    if (input.httpStatus !== undefined) f.httpStatus = input.httpStatus;
    if (input.numberId) f.numberId = input.numberId;
    if (input.durationMs !== undefined) f.until = this.now() + input.durationMs;
    if (input.count !== undefined) f.remaining = input.count;
    if (f.until === undefined && f.remaining === undefined) f.remaining = 1;
    this.faults.push(f);
    return f;
  }

  /** Faults that can still fire (used-up and expired ones are dropped). */
  activeFaults(): Fault[] {
    const now = this.now();
    this.faults = this.faults.filter(
      (f) => (f.until === undefined || f.until > now) && (f.remaining === undefined || f.remaining > 0),
    );
    return this.faults;
  }

  takeFault(numberId: string | undefined, scope: Fault["scope"]): Fault | undefined {
    this.activeFaults();
    const f = this.faults.find(
      (x) =>
        (x.scope === scope || x.scope === "any") && (!x.numberId || !numberId || x.numberId === numberId),
    );
    if (f && f.remaining !== undefined) f.remaining--;
    return f;
  }

  faultResponse(f: Fault): SendResult {
    if (f.code !== undefined) return this.err(f.code, "Injected fault", undefined, f.httpStatus);
    return {
      status: f.httpStatus ?? 500,
      body: {
        error: {
          message: "An unexpected error has occurred. Please retry your request later.",
          type: "OAuthException",
          is_transient: true,
          code: 2,
          fbtrace_id: fbtrace(),
        },
      },
    };
  }

  err(code: number, details: string, subcode?: number, httpStatus?: number): SendResult {
    return {
      status: httpStatus ?? httpStatusFor(code),
      body: graphErrorBody(code, details, fbtrace(), subcode),
    };
  }

  // ---------- misc ----------

  logRequest(r: Omit<RequestLog, "id">): void {
    this.requests.push({ id: this.nextRequestId++, ...r });
    if (this.requests.length > 20_000) this.requests.splice(0, 5_000);
  }

  webhookUrlFor(env: Envelope): string {
    const waba = env.entry[0]?.id;
    for (const n of this.numbers.values())
      if (n.wabaId === waba && n.overrideCallbackUri) return n.overrideCallbackUri;
    return this.opts.appWebhookUrl;
  }

  private moveWindow(from: string, to: string): void {
    if (from === to) return;
    for (const [k, v] of this.lastInbound)
      if (k.endsWith(`:${from}`)) this.lastInbound.set(k.replace(`:${from}`, `:${to}`), v);
  }

  private throughputFor(n: SimNumber): RateWindow {
    let w = this.throughput.get(n.phoneNumberId);
    if (!w) this.throughput.set(n.phoneNumberId, (w = new RateWindow(1000)));
    return w;
  }

  private pairBucket(n: SimNumber, c: SimCustomer, now: number): TokenBucket {
    const key = `${n.phoneNumberId}:${c.id}`;
    let b = this.pairBuckets.get(key);
    if (!b)
      this.pairBuckets.set(
        key,
        (b = new TokenBucket(this.config.pairRate.burst, this.config.pairRate.refillMs, now)),
      );
    return b;
  }

  private recordChat(
    n: SimNumber,
    c: SimCustomer,
    id: string,
    origin: ChatMessage["origin"],
    content: Content,
    at: number,
    contextId: string | undefined,
  ): void {
    const chat: ChatMessage = {
      id,
      numberId: n.phoneNumberId,
      customerId: c.id,
      origin,
      type: content.type,
      at,
    };
    if (contextId) chat.contextId = contextId;
    if (content.type === "edit" || content.type === "revoke") {
      const target = this.chats.find((m) => m.id === content.originalMessageId);
      if (target && content.type === "edit") {
        target.edited = true;
        target.text = contentText(content.message);
      }
      if (target && content.type === "revoke") target.revoked = true;
      return;
    }
    if (content.type === "reaction") chat.reaction = { messageId: content.messageId, emoji: content.emoji };
    const text = contentText(content);
    if (text !== undefined) chat.text = text;
    if ("media" in content) chat.mediaId = content.media.id;
    if (content.type === "audio" && content.voice) chat.voice = true;
    this.chats.push(chat);
  }

  /** Builds message content from the friendly sim-API shape; media gets stored so the app can download it. */
  contentFrom(input: Record<string, unknown>, who: "customer" | "business"): Content {
    const type = str(input.type) ?? "text";
    const caption = str(input.caption);
    const mediaOf = (mime: string, filename?: string): P.MediaRef => {
      const data = str(input.dataBase64);
      const bytes = data
        ? Buffer.from(data, "base64")
        : mime.startsWith("image/")
          ? placeholderImage()
          : Buffer.from(`simulated ${type} ${newNumericId(6)}`);
      const item = this.storeMedia(bytes, str(input.mimeType) ?? mime, filename);
      const ref: P.MediaRef = { id: item.id, mimeType: item.mimeType, sha256: item.sha256B64 };
      if (input.withUrl) ref.url = this.mediaUrl(item);
      return ref;
    };
    switch (type) {
      case "text":
        return { type: "text", body: str(input.text) ?? str(input.body) ?? "" };
      case "image":
        return withCaption({ type: "image", media: mediaOf("image/jpeg") }, caption);
      case "video":
        return withCaption({ type: "video", media: mediaOf("video/mp4") }, caption);
      case "audio":
        return { type: "audio", voice: false, media: mediaOf("audio/mpeg") };
      case "voice":
        return { type: "audio", voice: true, media: mediaOf("audio/ogg; codecs=opus") };
      case "document": {
        const filename = str(input.filename) ?? "document.pdf";
        return withCaption(
          { type: "document", filename, media: mediaOf("application/pdf", filename) },
          caption,
        );
      }
      case "sticker":
        return { type: "sticker", animated: Boolean(input.animated), media: mediaOf("image/webp") };
      case "location": {
        const loc: Content = {
          type: "location",
          latitude: num(input.latitude) ?? 51.5072,
          longitude: num(input.longitude) ?? -0.1276,
        };
        if (str(input.name)) loc.name = str(input.name)!;
        if (str(input.address)) loc.address = str(input.address)!;
        return loc;
      }
      case "contacts":
        return {
          type: "contacts",
          contacts: (input.contacts as SharedContact[] | undefined) ?? [
            {
              formattedName: "John Smith",
              firstName: "John",
              lastName: "Smith",
              phones: [{ phone: "+1 631-555-1182", waId: "16315551182" }],
              origin: "other",
              vcard: "BEGIN:VCARD\nVERSION:3.0\nFN:John Smith\nTEL;type=CELL:+1 631-555-1182\nEND:VCARD",
            },
          ],
        };
      case "button_reply":
        return { type: "button_reply", id: str(input.id) ?? "btn_1", title: str(input.title) ?? "Yes" };
      case "list_reply": {
        const c: Content = {
          type: "list_reply",
          id: str(input.id) ?? "row_1",
          title: str(input.title) ?? "Option 1",
        };
        if (str(input.description)) c.description = str(input.description)!;
        return c;
      }
      case "nfm_reply": {
        if (who === "business") throw new SimError(400, "only a customer can answer a flow");
        // Meta puts flow_token first; "unused" is what it sends when the flow was sent without one.
        const response =
          input.response && typeof input.response === "object"
            ? (input.response as Record<string, unknown>)
            : {};
        const responseJson =
          str(input.responseJson) ??
          JSON.stringify({ flow_token: str(input.flowToken) ?? "unused", ...response });
        return {
          type: "nfm_reply",
          responseJson,
          body: str(input.body) ?? "Sent",
          name: str(input.name) ?? "flow",
        };
      }
      case "button":
        return { type: "button", payload: str(input.payload) ?? "PAYLOAD", text: str(input.text) ?? "OK" };
      case "reaction":
        return {
          type: "reaction",
          messageId: req(input.messageId, "messageId"),
          emoji: str(input.emoji) ?? "👍",
        };
      case "edit":
        return {
          type: "edit",
          originalMessageId: req(input.originalMessageId, "originalMessageId"),
          message: { type: "text", body: str(input.text) ?? str(input.body) ?? "" },
        };
      case "revoke":
        return { type: "revoke", originalMessageId: req(input.originalMessageId, "originalMessageId") };
      case "unsupported": {
        if (who === "business") throw new SimError(400, "echoes cannot be unsupported; use type errors");
        const c: Content = { type: "unsupported", code: input.code === 131060 ? 131060 : 131051 };
        if (c.code === 131051) c.unsupportedType = str(input.unsupportedType) ?? "poll_creation";
        return c;
      }
      default:
        throw new SimError(400, `unknown type ${type}`);
    }
  }
}

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---------- helpers ----------

const STATUS_RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, played: 4, failed: 0 };
function rank(s: string | undefined): number {
  return s === undefined ? -1 : (STATUS_RANK[s] ?? 0);
}

/** The steps one send goes through: `played` only for voice notes, added after `read` when asked (§3). */
export function planFor(plan: StatusStep[], voice: boolean, voicePlayed: boolean): StatusStep[] {
  if (!voice) return plan.filter((s) => s !== "played");
  if (plan.includes("played") || !voicePlayed) return plan;
  const at = plan.lastIndexOf("read");
  return at < 0 ? plan : [...plan.slice(0, at + 1), "played", ...plan.slice(at + 1)];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number"
    ? v
    : typeof v === "string" && v !== "" && !isNaN(Number(v))
      ? Number(v)
      : undefined;
}

function req(v: unknown, name: string): string {
  const s = str(v);
  if (!s) throw new SimError(400, `${name} is required`);
  return s;
}

function withCaption<T extends Content>(c: T, caption: string | undefined): T {
  return caption === undefined ? c : { ...c, caption };
}

function contentText(c: Content): string | undefined {
  switch (c.type) {
    case "text":
      return c.body;
    case "image":
    case "video":
    case "document":
      return c.caption;
    case "location":
      return c.name ?? `${c.latitude}, ${c.longitude}`;
    case "button_reply":
    case "list_reply":
      return c.title;
    case "button":
      return c.text;
    case "nfm_reply":
      return c.responseJson;
    case "contacts":
      return c.contacts.map((x) => x.formattedName).join(", ");
    case "unsupported":
      return c.code === 131060 ? "(message only visible on the phone)" : "(unsupported message)";
    default:
      return undefined;
  }
}

function countryOf(phone: string | undefined): string {
  if (!phone) return "US";
  if (phone.startsWith("44")) return "GB";
  if (phone.startsWith("49")) return "DE";
  if (phone.startsWith("971")) return "AE";
  if (phone.startsWith("33")) return "FR";
  if (phone.startsWith("34")) return "ES";
  if (phone.startsWith("55")) return "BR";
  if (phone.startsWith("91")) return "IN";
  return "US";
}

function syncContact(c: SimCustomer): P.StateSyncItem["contact"] {
  const name = c.addressBookName ?? c.name;
  const contact: P.StateSyncItem["contact"] = { fullName: name, firstName: name.split(" ")[0]! };
  if (c.phone) contact.phone = c.phone;
  contact.bsuid = c.bsuid;
  if (c.parentBsuid) contact.parentBsuid = c.parentBsuid;
  if (c.username) contact.username = c.username;
  return contact;
}

/** Fields the page shows for an API send. */
function describeSend(type: string, p: Record<string, unknown> | undefined): Partial<ChatMessage> {
  if (!p) return {};
  if (type === "text") return { text: String(p.body ?? "") };
  if (type === "template") {
    const body = (
      p.components as Array<{ type?: string; parameters?: Array<{ text?: string }> }> | undefined
    )?.find((c) => c.type === "body");
    const params = body?.parameters
      ?.map((x) => x.text)
      .filter(Boolean)
      .join(", ");
    const choices = (
      p.components as
        Array<{ type?: string; sub_type?: string; parameters?: Array<{ payload?: string }> }> | undefined
    )
      ?.filter((c) => c.type === "button" && c.sub_type === "quick_reply")
      .map((c) => ({
        kind: "button" as const,
        id: String(c.parameters?.[0]?.payload ?? ""),
        title: String(c.parameters?.[0]?.payload ?? ""),
      }));
    return {
      text: `[template ${String(p.name)}]${params ? ` ${params}` : ""}`,
      ...(choices?.length ? { choices } : {}),
    };
  }
  if (type === "interactive") {
    const body = (p.body as { text?: string } | undefined)?.text ?? "";
    const action = p.action as
      | {
          buttons?: Array<{ reply?: { id?: string; title?: string } }>;
          sections?: Array<{ rows?: Array<{ id?: string; title?: string }> }>;
        }
      | undefined;
    const choices: NonNullable<ChatMessage["choices"]> = [];
    for (const b of action?.buttons ?? [])
      choices.push({
        kind: "button_reply",
        id: String(b.reply?.id ?? ""),
        title: String(b.reply?.title ?? ""),
      });
    for (const r of (action?.sections ?? []).flatMap((x) => x.rows ?? []))
      choices.push({ kind: "list_reply", id: String(r.id ?? ""), title: String(r.title ?? "") });
    if (p.type === "flow") {
      const params = (action as { parameters?: { flow_token?: string; flow_cta?: string } } | undefined)
        ?.parameters;
      choices.push({
        kind: "nfm_reply",
        id: String(params?.flow_token ?? "unused"),
        title: String(params?.flow_cta ?? "Open form"),
      });
    }
    return { text: body, choices };
  }
  if (type === "reaction")
    return { reaction: { messageId: String(p.message_id ?? ""), emoji: String(p.emoji ?? "") } };
  if (type === "location") return { text: String(p.name ?? `${String(p.latitude)}, ${String(p.longitude)}`) };
  const out: Partial<ChatMessage> = {};
  if (typeof p.caption === "string") out.text = p.caption;
  if (typeof p.id === "string") out.mediaId = p.id;
  if (typeof p.link === "string") out.text = `${out.text ?? ""} ${p.link}`.trim();
  return out;
}

/** Meta's send validation, reduced to what an app gets wrong (§6). */
function validateSendBody(
  type: string,
  p: Record<string, unknown> | undefined,
): { code: number; details: string } | null {
  const known = [
    "text",
    "image",
    "video",
    "audio",
    "document",
    "sticker",
    "template",
    "interactive",
    "reaction",
    "location",
    "contacts",
  ];
  if (!known.includes(type)) return { code: 131051, details: `Unsupported message type ${type}` };
  if (!p || typeof p !== "object") return { code: 131008, details: `The parameter ${type} is required.` };
  switch (type) {
    case "text":
      if (typeof p.body !== "string" || p.body === "")
        return { code: 131008, details: "The parameter text['body'] is required." };
      if (p.body.length > 4096)
        return { code: 131009, details: "text['body'] must be at most 4096 characters" };
      return null;
    case "image":
    case "video":
    case "audio":
    case "document":
    case "sticker":
      if (typeof p.id !== "string" && typeof p.link !== "string")
        return { code: 131008, details: `The parameter ${type}['id'] or ${type}['link'] is required.` };
      if (type === "audio" && "caption" in p)
        return { code: 131009, details: "audio does not take a caption" };
      return null;
    case "reaction":
      if (typeof p.message_id !== "string")
        return { code: 131008, details: "The parameter reaction['message_id'] is required." };
      return null;
    case "template":
      if (typeof p.name !== "string" || !(p.language as { code?: string } | undefined)?.code)
        return { code: 131008, details: "template['name'] and template['language']['code'] are required." };
      return null;
    case "interactive": {
      const body = p.body as { text?: string } | undefined;
      const action = p.action as { buttons?: unknown[]; sections?: Array<{ rows?: unknown[] }> } | undefined;
      if (
        !["button", "list", "cta_url", "request_contact_info", "flow", "product", "product_list"].includes(
          String(p.type),
        )
      )
        return { code: 131009, details: "interactive['type'] is not valid" };
      if (!body?.text)
        return { code: 131008, details: "The parameter interactive['body']['text'] is required." };
      if (p.type === "button" && (!action?.buttons || action.buttons.length < 1 || action.buttons.length > 3))
        return { code: 131009, details: "interactive['action']['buttons'] must have 1 to 3 buttons" };
      if (p.type === "list") {
        const rows = action?.sections?.reduce((s, x) => s + (x.rows?.length ?? 0), 0) ?? 0;
        if (rows < 1 || rows > 10) return { code: 131009, details: "a list must have 1 to 10 rows in total" };
      }
      return null;
    }
    case "location":
      if (typeof p.latitude !== "number" && typeof p.latitude !== "string")
        return { code: 131008, details: "location['latitude'] is required." };
      return null;
    case "contacts":
      if (!Array.isArray(p) || p.length === 0)
        return { code: 131009, details: "contacts must be a non-empty array" };
      return null;
  }
  return null;
}

/** A tiny valid JPEG-ish payload: enough bytes for download/sha256 checks. */
function placeholderImage(): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.from(`sim-image-${newNumericId(8)}`),
    Buffer.from([0xff, 0xd9]),
  ]);
}
