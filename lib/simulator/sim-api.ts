// JSON scripting API under /sim/api for tests, load and the page. See README.md for the list.
import type { Engine, SimConfig, StatusStep } from "./engine";
import { SimError } from "./engine";
import { readFixture, fixtureKinds } from "./fixtures";
import type { AccountEvent, DisconnectReason, Envelope, QualityScore, TemplateEvent } from "./payloads";
import type { TemplateCategory } from "./rules";

type Json = Record<string, unknown>;
type Handler = (
  engine: Engine,
  params: string[],
  body: Json,
  query: URLSearchParams,
) => unknown | Promise<unknown>;

const routes: Array<[string, RegExp, Handler]> = [
  ["GET", /^\/state$/, (e) => snapshot(e)],
  ["GET", /^\/numbers$/, (e) => [...e.numbers.values()]],
  ["GET", /^\/config$/, (e) => e.config],
  [
    "POST",
    /^\/config$/,
    (e, _p, b) => {
      e.config = {
        ...e.config,
        ...(b as Partial<SimConfig>),
        history: { ...e.config.history, ...((b.history as Json | undefined) ?? {}) },
      };
      return e.config;
    },
  ],
  [
    "POST",
    /^\/reset$/,
    (e) => {
      e.reset();
      return { ok: true };
    },
  ],
  [
    "POST",
    /^\/clock$/,
    (e, _p, b) => {
      e.clockOffsetMs += Number(b.advanceMs ?? 0);
      return { now: e.now(), offsetMs: e.clockOffsetMs };
    },
  ],
  [
    "POST",
    /^\/idle$/,
    async (e, _p, b) => {
      const timeout = Number(b.timeoutMs ?? 10_000);
      const idle = await Promise.race([e.delivery.idle().then(() => true), sleep(timeout).then(() => false)]);
      return { idle };
    },
  ],

  // customers
  ["GET", /^\/customers$/, (e) => [...e.customers.values()].map((c) => customerJson(e, c.id))],
  [
    "POST",
    /^\/customers$/,
    (e, _p, b) => {
      const c = e.addCustomer({
        name: reqStr(b.name, "name"),
        ...opt("phone", b.phone),
        ...opt("username", b.username),
        ...opt("bsuid", b.bsuid),
        ...opt("parentBsuid", b.parentBsuid),
        ...opt("addressBookName", b.addressBookName),
        ...(Array.isArray(b.statusPlan) ? { statusPlan: b.statusPlan as StatusStep[] } : {}),
      });
      return customerJson(e, c.id);
    },
  ],
  ["GET", /^\/customers\/([^/]+)$/, (e, [id]) => customerJson(e, id!)],
  [
    "PATCH",
    /^\/customers\/([^/]+)$/,
    (e, [id], b) => {
      const c = e.customer(id!);
      if (typeof b.name === "string") c.name = b.name;
      if (typeof b.username === "string") c.username = b.username;
      if (Array.isArray(b.statusPlan)) c.statusPlan = b.statusPlan as StatusStep[];
      if (b.statusPlan === null) delete c.statusPlan;
      return customerJson(e, c.id);
    },
  ],
  ["POST", /^\/customers\/([^/]+)\/send$/, (e, [id], b) => e.customerSend(id!, b)],
  [
    "POST",
    /^\/customers\/([^/]+)\/read$/,
    (e, [id], b) => ({ read: e.customerReads(id!, optStr(b.numberId)) }),
  ],
  [
    "POST",
    /^\/customers\/([^/]+)\/play$/,
    (e, [id], b) => ({ played: e.customerPlays(id!, optStr(b.numberId), optStr(b.messageId)) }),
  ],
  [
    "POST",
    /^\/customers\/([^/]+)\/marketing$/,
    (e, [id], b) => {
      const value = optStr(b.value) ?? "stop";
      if (value !== "stop" && value !== "resume") throw new SimError(400, "value must be stop or resume");
      return customerJson(e, e.marketingPreference(id!, value, optStr(b.numberId)).id);
    },
  ],
  [
    "GET",
    /^\/customers\/([^/]+)\/messages$/,
    (e, [id], _b, q) => messagesFor(e, id!, q.get("numberId") ?? undefined),
  ],
  [
    "POST",
    /^\/customers\/([^/]+)\/change-number$/,
    (e, [id], b) =>
      e.changeNumber(id!, {
        ...opt("newPhone", b.newPhone),
        ...opt("numberId", b.numberId),
        userIdUpdate: Boolean(b.userIdUpdate),
      }),
  ],
  [
    "POST",
    /^\/customers\/([^/]+)\/change-user-id$/,
    (e, [id], b) =>
      e.changeUserId(id!, { ...opt("numberId", b.numberId), userIdUpdate: Boolean(b.userIdUpdate) }),
  ],
  [
    "POST",
    /^\/customers\/([^/]+)\/contact$/,
    (e, [id], b) => {
      e.contactChange(id!, b.action === "remove" ? "remove" : "add", optStr(b.numberId), optStr(b.fullName));
      return { ok: true };
    },
  ],

  // owner (Business app phone)
  ["POST", /^\/owner\/send$/, (e, _p, b) => e.ownerSend(reqStr(b.customerId, "customerId"), b)],

  // coexistence syncs and account
  [
    "POST",
    /^\/history$/,
    (e, _p, b) =>
      e.runHistory(e.number(optStr(b.numberId)).phoneNumberId, {
        ...(b.declined !== undefined ? { declined: Boolean(b.declined) } : {}),
        ...(b.days !== undefined ? { days: Number(b.days) } : {}),
        ...(b.messagesPerThread !== undefined ? { messagesPerThread: Number(b.messagesPerThread) } : {}),
        ...(b.threadsPerChunk !== undefined ? { threadsPerChunk: Number(b.threadsPerChunk) } : {}),
        ...(Array.isArray(b.customerIds) ? { customerIds: b.customerIds as string[] } : {}),
      }),
  ],
  [
    "POST",
    /^\/contacts\/sync$/,
    (e, _p, b) => ({ contacts: e.runContactSync(e.number(optStr(b.numberId)).phoneNumberId) }),
  ],
  [
    "POST",
    /^\/account-update$/,
    (e, _p, b) => {
      e.accountUpdate(
        optStr(b.numberId),
        (optStr(b.event) ?? "PARTNER_REMOVED") as AccountEvent,
        optStr(b.reason) as DisconnectReason | undefined,
      );
      return { ok: true };
    },
  ],

  // templates
  ["GET", /^\/templates$/, (e) => [...e.templates.values()]],
  [
    "POST",
    /^\/templates$/,
    (e, _p, b) => {
      const wabaId = optStr(b.wabaId) ?? e.number().wabaId;
      const t = e.makeTemplate(wabaId, {
        language: "en_US",
        category: "UTILITY",
        components: [{ type: "BODY", text: "Hello {{1}}" }],
        ...b,
      });
      t.status = (optStr(b.status) as typeof t.status | undefined) ?? "APPROVED";
      return t;
    },
  ],
  [
    "POST",
    /^\/templates\/([^/]+)\/status$/,
    (e, [id], b) => e.setTemplateStatus(id!, reqStr(b.event, "event") as TemplateEvent, optStr(b.reason)),
  ],
  [
    "POST",
    /^\/templates\/([^/]+)\/quality$/,
    (e, [id], b) => e.setTemplateQuality(id!, reqStr(b.score, "score") as QualityScore),
  ],
  [
    "POST",
    /^\/templates\/([^/]+)\/category$/,
    (e, [id], b) => e.changeTemplateCategory(id!, reqStr(b.newCategory, "newCategory") as TemplateCategory),
  ],

  // faults
  ["GET", /^\/faults$/, (e) => e.activeFaults()],
  [
    "POST",
    /^\/faults$/,
    (e, _p, b) =>
      e.addFault({
        ...(b.code !== undefined ? { code: Number(b.code) } : {}),
        ...(b.httpStatus !== undefined ? { httpStatus: Number(b.httpStatus) } : {}),
        ...opt("numberId", b.numberId),
        ...(b.durationMs !== undefined ? { durationMs: Number(b.durationMs) } : {}),
        ...(b.count !== undefined ? { count: Number(b.count) } : {}),
        ...(b.scope !== undefined ? { scope: b.scope as "messages" } : {}),
        async: Boolean(b.async),
      }),
  ],
  [
    "DELETE",
    /^\/faults$/,
    (e) => {
      e.faults = [];
      return { ok: true };
    },
  ],

  // what the app did, and what we sent it
  [
    "GET",
    /^\/requests$/,
    (e, _p, _b, q) => {
      const since = Number(q.get("since") ?? 0);
      const path = q.get("path");
      return e.requests.filter((r) => r.id > since && (!path || r.path.includes(path)));
    },
  ],
  [
    "GET",
    /^\/deliveries$/,
    (e, _p, _b, q) => {
      const field = q.get("field");
      const since = Number(q.get("since") ?? 0);
      const withBody = q.get("body") !== "0";
      return e.delivery.deliveries
        .filter((d) => d.id > since && (!field || d.fields.includes(field)))
        .map((d) => {
          const payload = JSON.parse(d.body) as Envelope;
          const summary = summarize(payload);
          return withBody ? { ...d, summary, payload } : { ...d, summary, body: undefined };
        });
    },
  ],
  [
    "GET",
    /^\/sends$/,
    (e) => {
      const byCallbackData = Object.fromEntries(e.sendsByCallbackData);
      const byIdempotencyKey = Object.fromEntries(e.sendsByIdempotencyKey);
      return {
        total: e.chats.filter((m) => m.origin === "api").length,
        byCallbackData,
        byIdempotencyKey,
        duplicates: Object.entries(byCallbackData)
          .filter(([, n]) => n > 1)
          .map(([k]) => k),
      };
    },
  ],

  // raw webhooks and delivery faults
  ["GET", /^\/fixtures$/, () => fixtureKinds()],
  [
    "POST",
    /^\/webhooks$/,
    (e, _p, b) => {
      const env = (b.payload as Envelope | undefined) ?? readFixture(reqStr(b.fixture, "fixture or payload"));
      return {
        deliveries: e.delivery.send(env, {
          ...(b.delayMs !== undefined ? { delayMs: Number(b.delayMs) } : {}),
          ...(b.duplicate !== undefined ? { duplicate: Number(b.duplicate) } : {}),
        }),
      };
    },
  ],
  ["GET", /^\/delivery$/, (e) => ({ ...e.delivery.settings, held: e.delivery.heldCount() })],
  [
    "POST",
    /^\/delivery$/,
    (e, _p, b) => {
      const s = e.delivery.settings;
      if (b.hold !== undefined) s.hold = Boolean(b.hold);
      if (b.duplicate !== undefined) s.duplicate = Number(b.duplicate);
      if (b.delayMs !== undefined) s.delayMs = Number(b.delayMs);
      return { ...s, held: e.delivery.heldCount() };
    },
  ],
  [
    "POST",
    /^\/delivery\/flush$/,
    (e, _p, b) => ({
      deliveries: e.delivery.flush({
        order: (optStr(b.order) ?? "fifo") as "fifo",
        batch: (optStr(b.batch) ?? "none") as "none",
      }),
    }),
  ],
];

export async function handleSimApi(
  engine: Engine,
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: Buffer,
): Promise<{ status: number; body: unknown }> {
  let body: Json = {};
  if (rawBody.length) {
    try {
      body = JSON.parse(rawBody.toString("utf8")) as Json;
    } catch {
      return { status: 400, body: { error: "invalid JSON" } };
    }
  }
  for (const [m, re, handler] of routes) {
    if (m !== method) continue;
    const match = re.exec(path);
    if (!match) continue;
    try {
      return {
        status: 200,
        body: await handler(engine, match.slice(1).map(decodeURIComponent), body, query),
      };
    } catch (e) {
      if (e instanceof SimError) return { status: e.status, body: { error: e.message } };
      return { status: 500, body: { error: (e as Error).message } };
    }
  }
  return { status: 404, body: { error: `no route ${method} /sim/api${path}` } };
}

function snapshot(e: Engine) {
  return {
    now: e.now(),
    numbers: [...e.numbers.values()],
    customers: [...e.customers.values()].map((c) => customerJson(e, c.id)),
    templates: [...e.templates.values()],
    faults: e.activeFaults(),
    delivery: { ...e.delivery.settings, held: e.delivery.heldCount(), busy: e.delivery.busy() },
    config: e.config,
  };
}

function customerJson(e: Engine, id: string) {
  const c = e.customer(id);
  const windows: Record<string, { open: boolean; lastInboundAt?: number }> = {};
  for (const n of e.numbers.values()) {
    const last = e.lastInboundAt(n.phoneNumberId, c.id);
    windows[n.phoneNumberId] = {
      open: e.isWindowOpen(n.phoneNumberId, c.id),
      ...(last === undefined ? {} : { lastInboundAt: last }),
    };
  }
  return { ...c, windows };
}

function messagesFor(e: Engine, customerId: string, numberId?: string) {
  e.customer(customerId);
  return e.chats
    .filter((m) => m.customerId === customerId && (!numberId || m.numberId === numberId))
    .sort((a, b) => a.at - b.at);
}

/** One line per webhook for the page's log, e.g. "messages: status read · smb_message_echoes: text". */
export function summarize(env: Envelope): string {
  const parts: string[] = [];
  for (const e of env.entry ?? [])
    for (const c of e.changes ?? []) {
      const v = c.value as Record<string, Json[] | string | undefined>;
      const list = (k: string) => (Array.isArray(v[k]) ? (v[k] as Json[]) : []);
      const what =
        list("statuses")
          .map((s) => `status ${String(s.status)}`)
          .join(", ") ||
        [...list("messages"), ...list("message_echoes")]
          .map((m) =>
            m.type === "interactive" ? String((m.interactive as Json | undefined)?.type) : String(m.type),
          )
          .join(", ") ||
        list("history")
          .map((h) =>
            h.errors ? "declined" : `chunk ${String((h.metadata as Json | undefined)?.progress)}%`,
          )
          .join(", ") ||
        list("state_sync")
          .map((x) => String(x.action))
          .join(", ") ||
        list("user_preferences")
          .map((x) => String(x.value))
          .join(", ") ||
        String(v.event ?? v.new_quality_score ?? v.new_category ?? "");
      parts.push(what ? `${c.field}: ${what}` : c.field);
    }
  return parts.join(" · ");
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

function optStr(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function reqStr(v: unknown, name: string): string {
  const s = optStr(v);
  if (!s) throw new SimError(400, `${name} is required`);
  return s;
}

function opt<K extends string>(key: K, v: unknown): Partial<Record<K, string>> {
  const s = optStr(v);
  return s === undefined ? {} : ({ [key]: s } as Record<K, string>);
}
