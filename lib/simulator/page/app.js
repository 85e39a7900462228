// @ts-nocheck -- plain browser script served as-is (no build step).
"use strict";

const $ = (sel) => document.querySelector(sel);
const ui = {
  numberId: null,
  customerId: null,
  replyTo: null,
  state: null,
  lastDelivery: 0,
  deliveries: [],
  lastRequest: 0,
  requests: [],
  duplicate: 0,
  refreshing: false,
  offline: false,
};

// ---------- plumbing ----------

class ApiError extends Error {}

async function api(method, path, body) {
  let res;
  try {
    res = await fetch("/sim/api" + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("The simulator is not reachable. Is it still running?");
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(json.error || "HTTP " + res.status);
  return json;
}

/** Runs a user action; any error becomes a red toast instead of an uncaught rejection. */
async function safe(fn) {
  try {
    const msg = await fn();
    if (typeof msg === "string") toast(msg);
  } catch (e) {
    toast(e instanceof Error ? e.message : String(e), true);
  }
  refresh();
}

function toast(text, isError = false) {
  const t = $("#toast");
  t.textContent = (isError ? "⚠ " : "") + text;
  t.classList.toggle("error", isError);
  t.classList.remove("hidden");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.add("hidden"), isError ? 6000 : 2000);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const ICONS = {
  image: "📷 Photo",
  video: "🎥 Video",
  document: "📄 Document",
  sticker: "🩹 Sticker",
  location: "📍",
  contacts: "👤",
  nfm_reply: "📋 Form answers:",
  errors: "⚠️ Sent from the phone, content unavailable",
};

function describe(m) {
  if (m.revoked) return el("span", { class: "revoked" }, "🚫 This message was deleted");
  if (m.reaction) return "Reacted " + m.reaction.emoji;
  const icon = m.type === "audio" ? (m.voice ? "🎤 Voice note" : "🎵 Audio") : ICONS[m.type] || "";
  const text = m.text || "";
  const parts = [icon, text].filter(Boolean).join(" ");
  return parts || "(" + m.type + ")";
}

const STATUS_LABEL = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "played",
};

/** The sender's ticks: ✓ sent, ✓✓ delivered, blue ✓✓ read, blue ✓✓ ▶ played; failed shows why. */
function ticks(m) {
  if (m.status === "failed") {
    const why = (m.errors || []).map((e) => e.code + " " + e.title).join(", ");
    return el("span", { class: "ticks failed", "data-status": "failed", title: why }, "⚠ not delivered");
  }
  if (!m.status) return el("span", { class: "ticks pending", title: "accepted, waiting for sent" }, "🕓");
  const t = { sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓ ▶" }[m.status] || "";
  return el(
    "span",
    {
      class: "ticks" + (m.status === "read" || m.status === "played" ? " read" : ""),
      "data-status": m.status,
      title: STATUS_LABEL[m.status] || m.status,
    },
    t,
  );
}

// ---------- rendering ----------

async function refresh() {
  // One at a time; a refresh asked for meanwhile (e.g. right after an action) runs once this one ends.
  if (ui.refreshing) {
    ui.again = true;
    return;
  }
  ui.refreshing = true;
  ui.again = false;
  try {
    const s = await api("GET", "/state");
    ui.state = s;
    ui.offline = false;
    if (!ui.numberId && s.numbers[0]) ui.numberId = s.numbers[0].phoneNumberId;
    if (ui.customerId && !s.customers.some((c) => c.id === ui.customerId)) ui.customerId = null;
    if (!ui.customerId && s.customers[0]) ui.customerId = s.customers[0].id;
    renderNumbers(s);
    renderCustomers(s);
    renderTemplates(s);
    renderFaults(s);
    $('[data-action="hold"]').textContent = s.delivery.hold
      ? "Holding (" + s.delivery.held + ") – release"
      : "Hold";
    await loadDeliveries();
    await loadRequests();
    await renderChats();
  } catch (e) {
    if (!ui.offline) toast(e.message, true);
    ui.offline = true;
    $("#connection").textContent = "simulator offline";
    $("#connection").className = "pill bad";
  } finally {
    ui.refreshing = false;
    if (ui.again) refresh();
  }
}

function currentNumber() {
  return ui.state && ui.state.numbers.find((x) => x.phoneNumberId === ui.numberId);
}

function currentCustomer() {
  return ui.state && ui.state.customers.find((x) => x.id === ui.customerId);
}

function renderNumbers(s) {
  const sel = $("#number");
  if (sel.options.length !== s.numbers.length) {
    sel.replaceChildren(
      ...s.numbers.map((n) =>
        el(
          "option",
          { value: n.phoneNumberId },
          "+" + n.displayNumber + (n.coexistence ? " (Coexistence)" : ""),
        ),
      ),
    );
  }
  sel.value = ui.numberId;
  const n = currentNumber();
  const pill = $("#connection");
  pill.textContent = n ? (n.connected ? "connected to Cloud API" : "disconnected") : "";
  pill.className = "pill" + (n && !n.connected ? " bad" : " ok");
  $("#number-info").textContent = n
    ? "WABA " + n.wabaId + " · clock " + new Date(s.now).toLocaleString()
    : "";
  const banner = $("#disconnected");
  if (n && !n.connected) {
    banner.replaceChildren(
      el(
        "span",
        {},
        "This number is disconnected from Cloud API (partner removed or offboarded). The app's sends fail with error 133010 until it is reconnected.",
      ),
      el("button", { type: "button", "data-action": "reconnected" }, "Reconnect"),
    );
    banner.classList.remove("hidden");
  } else banner.classList.add("hidden");
}

function windowText(w, now) {
  if (!w || w.lastInboundAt === undefined) return ["no window yet: templates only", "closed"];
  if (!w.open) return ["window closed: templates only", "closed"];
  const left = Math.max(0, w.lastInboundAt + 24 * 3600e3 - now);
  const h = Math.floor(left / 3600e3);
  const m = Math.floor((left % 3600e3) / 60e3);
  return ["window open · " + h + " h " + m + " min left", "open"];
}

function renderCustomers(s) {
  const list = $("#customer-list");
  if (!s.customers.length) {
    list.replaceChildren(el("li", { class: "empty-item" }, "No customers yet. Create one below."));
  } else {
    list.replaceChildren(
      ...s.customers.map((c) =>
        el(
          "li",
          {
            class: c.id === ui.customerId ? "active" : "",
            "data-testid": "customer-" + c.id,
            onclick: () => selectCustomer(c.id),
            title: "BSUID " + c.bsuid,
          },
          el(
            "div",
            {},
            c.name,
            c.username ? el("span", { class: "muted" }, " @" + c.username) : null,
            c.marketingStopped
              ? el("span", { class: "flag", title: "stopped marketing messages" }, "no marketing")
              : null,
          ),
          el("div", { class: "sub" }, c.phone ? "+" + c.phone : "phone hidden (username only)"),
        ),
      ),
    );
  }
  const c = currentCustomer();
  $("#customer-title").textContent = c
    ? c.name + (c.phone ? " · +" + c.phone : " · @" + c.username)
    : "no customer yet: create one on the left";
  $("#business-title").textContent = c
    ? "chat with " + (c.addressBookName || c.name) + (c.addressBookName ? " (in contacts)" : "")
    : "no chat yet";
  const badge = $("#window-badge");
  if (c) {
    const [text, kind] = windowText(c.windows[ui.numberId], s.now);
    badge.textContent = text;
    badge.className = "badge" + (kind === "closed" ? " closed" : "");
  } else badge.className = "badge hidden";
  const mk = $('[data-action="marketing"]');
  mk.textContent = c && c.marketingStopped ? "Resume marketing" : "Stop marketing";
  mk.title =
    c && c.marketingStopped
      ? "The customer allows marketing messages again (user_preferences resume)"
      : "The customer stops marketing messages (user_preferences stop); marketing templates then fail with 131050";
  for (const b of document.querySelectorAll("#customer-actions button")) b.disabled = !c;
  for (const f of ["#customer-compose", "#owner-compose"])
    for (const x of document.querySelectorAll(f + " input, " + f + " select, " + f + " button"))
      x.disabled = !c;
}

function renderTemplates(s) {
  const head = el("tr", {}, el("th", {}, "Template"), el("th", {}, "Quality"), el("th", {}, "Set status"));
  const rows = s.templates.map((t) =>
    el(
      "tr",
      {},
      el(
        "td",
        {},
        el("div", {}, t.name, " ", el("span", { class: "small status-" + t.status }, t.status.toLowerCase())),
        el("div", { class: "muted small" }, t.language + " · " + t.category.toLowerCase()),
      ),
      el(
        "td",
        {},
        el(
          "select",
          {
            class: "quality q-" + (t.quality || "GREEN"),
            title: "Template quality (sends message_template_quality_update)",
            onchange: (e) => safe(() => templateQuality(t.id, e.target.value)),
          },
          ["GREEN", "YELLOW", "RED", "UNKNOWN"].map((q) =>
            el("option", { value: q, selected: (t.quality || "GREEN") === q }, q.toLowerCase()),
          ),
        ),
      ),
      el(
        "td",
        {},
        el(
          "select",
          {
            title: "Sends message_template_status_update",
            onchange: (e) => {
              const event = e.target.value;
              e.target.value = "";
              if (event) safe(() => templateEvent(t.id, event));
            },
          },
          el("option", { value: "" }, "…"),
          ["APPROVED", "REJECTED", "PAUSED", "DISABLED", "REINSTATED"].map((ev) =>
            el("option", { value: ev }, ev.toLowerCase()),
          ),
        ),
      ),
    ),
  );
  $("#templates").replaceChildren(head, ...rows);
}

function renderFaults(s) {
  $("#faults").textContent = s.faults.length
    ? "Armed: " +
      s.faults
        .map(
          (f) =>
            (f.code || "HTTP " + f.httpStatus) +
            (f.async ? " (as a failed status)" : "") +
            (f.remaining !== undefined ? " × " + f.remaining : ""),
        )
        .join(", ")
    : "No faults armed: the app's sends follow the normal rules.";
}

async function loadDeliveries() {
  const newer = await api("GET", "/deliveries?body=0&since=" + ui.lastDelivery);
  for (const d of newer) ui.lastDelivery = Math.max(ui.lastDelivery, d.id);
  ui.deliveries = [...ui.deliveries.filter((d) => !newer.find((n) => n.id === d.id)), ...newer].slice(-200);
  // Pending ones change state: re-fetch a small window.
  const pending = ui.deliveries.filter((d) => d.state === "pending");
  if (pending.length) {
    const again = await api("GET", "/deliveries?body=0&since=" + (Math.min(...pending.map((d) => d.id)) - 1));
    ui.deliveries = ui.deliveries.map((d) => again.find((a) => a.id === d.id) || d);
  }
  const items = ui.deliveries
    .slice(-30)
    .reverse()
    .map((d) => {
      const codes = d.attempts.map((a) => a.status || a.error || "no answer").join(" → ") || "sending…";
      const bad = d.state === "failed" || d.attempts.some((a) => a.status < 200 || a.status >= 300);
      return el(
        "li",
        { class: bad ? "bad" : "", value: d.id, title: d.url },
        el("span", { class: "what" }, d.summary || d.fields.join(", ")),
        el("span", { class: "code" }, codes + (d.duplicateOf ? " (duplicate)" : "")),
      );
    });
  $("#deliveries").replaceChildren(
    ...(items.length ? items : [el("li", { class: "empty-item" }, "No webhooks sent yet.")]),
  );
  const failed = ui.deliveries.filter((d) => d.state === "failed").length;
  $("#delivery-summary").textContent =
    ui.deliveries.length + " webhooks sent" + (failed ? " · " + failed + " not accepted by the app" : "");
}

async function loadRequests() {
  const newer = await api("GET", "/requests?since=" + ui.lastRequest);
  for (const r of newer) ui.lastRequest = Math.max(ui.lastRequest, r.id);
  ui.requests = [...ui.requests, ...newer].slice(-100);
  const items = ui.requests
    .slice(-30)
    .reverse()
    .map((r) => {
      const err = r.response && r.response.error;
      const path = r.path.replace(/^\/v\d+(\.\d+)?/, "");
      return el(
        "li",
        { class: r.status >= 400 ? "bad" : "", value: r.id },
        el("span", { class: "what" }, r.method + " " + path),
        el("span", { class: "code" }, String(r.status) + (err ? " · " + (err.message || err.code) : "")),
      );
    });
  $("#requests").replaceChildren(
    ...(items.length
      ? items
      : [el("li", { class: "empty-item" }, "The app has not called the Graph API yet.")]),
  );
}

function emptyState(box, text) {
  box.replaceChildren(el("div", { class: "empty", "data-testid": "empty" }, text));
}

async function renderChats() {
  const cBox = $("#customer-chat");
  const bBox = $("#business-chat");
  const c = currentCustomer();
  if (!c) {
    emptyState(
      cBox,
      "Create a customer on the left, then type here as them: each message reaches the app as an inbound webhook.",
    );
    emptyState(
      bBox,
      "The owner's WhatsApp Business app. What you type here reaches the app as an echo (sent from the phone).",
    );
    return;
  }
  const msgs = await api("GET", "/customers/" + ui.customerId + "/messages?numberId=" + ui.numberId);
  const stick = (box) => box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const cStick = stick(cBox);
  const bStick = stick(bBox);
  const reactions = {};
  for (const m of msgs) if (m.reaction) reactions[m.reaction.messageId] = m.reaction.emoji;
  const visible = msgs.filter((m) => !m.reaction);
  // A message the business sent that failed never reached the customer's phone.
  const onPhone = visible.filter((m) => !(m.origin === "api" && m.status === "failed"));
  if (onPhone.length) cBox.replaceChildren(...onPhone.map((m) => bubble(m, "customer", reactions[m.id])));
  else emptyState(cBox, "No messages yet. Type below as " + c.name + ".");
  if (visible.length) bBox.replaceChildren(...visible.map((m) => bubble(m, "business", reactions[m.id])));
  else
    emptyState(
      bBox,
      "Nothing yet. Replies from the inbox appear here tagged “via API”; what you type below is tagged “from phone”.",
    );
  if (cStick) cBox.scrollTop = cBox.scrollHeight;
  if (bStick) bBox.scrollTop = bBox.scrollHeight;
}

function choiceButton(m, c) {
  const send = () => {
    if (c.kind === "nfm_reply") return answerFlow(m, c);
    return customerSend(
      c.kind === "button"
        ? { type: "button", payload: c.id, text: c.title, contextId: m.id }
        : { type: c.kind, id: c.id, title: c.title, contextId: m.id },
    );
  };
  return el(
    "button",
    { type: "button", "data-testid": "choice", onclick: () => safe(send) },
    c.title || c.id,
  );
}

function bubble(m, view, reaction) {
  const fromCustomer = m.origin === "customer" || (m.origin === "history" && m.inbound);
  const mine = view === "customer" ? fromCustomer : !fromCustomer;
  const tag =
    m.origin === "api"
      ? "via API"
      : m.origin === "business_app"
        ? "from phone"
        : m.origin === "history"
          ? "history"
          : null;
  const tools = [];
  const actions = [];
  if (view === "customer" && !fromCustomer && m.origin !== "history" && !m.revoked) {
    tools.push(el("button", { type: "button", onclick: () => setReply(m) }, "Reply"));
    tools.push(
      el(
        "button",
        {
          type: "button",
          title: "React with a thumbs up",
          onclick: () => safe(() => customerSend({ type: "reaction", messageId: m.id, emoji: "👍" })),
        },
        "👍",
      ),
    );
    for (const c of m.choices || []) actions.push(choiceButton(m, c));
    if (m.origin === "api" && m.voice && m.status !== "played")
      actions.push(
        el(
          "button",
          {
            type: "button",
            "data-testid": "play",
            onclick: () =>
              safe(async () => {
                await api("POST", "/customers/" + ui.customerId + "/play", {
                  numberId: ui.numberId,
                  messageId: m.id,
                });
                return "Played: the business sees “played”";
              }),
          },
          "▶ Play",
        ),
      );
  }
  if (view === "customer" && fromCustomer && m.origin === "customer" && !m.revoked) {
    tools.push(el("button", { type: "button", onclick: () => editMessage(m, "customer") }, "Edit"));
    tools.push(
      el(
        "button",
        {
          type: "button",
          onclick: () => safe(() => customerSend({ type: "revoke", originalMessageId: m.id })),
        },
        "Delete",
      ),
    );
  }
  if (view === "business" && m.origin === "business_app" && !m.revoked && m.type !== "errors") {
    tools.push(el("button", { type: "button", onclick: () => editMessage(m, "owner") }, "Edit"));
    tools.push(
      el(
        "button",
        { type: "button", onclick: () => safe(() => ownerSend({ type: "revoke", originalMessageId: m.id })) },
        "Delete",
      ),
    );
  }
  const choices =
    view === "business" && m.choices && m.choices.length
      ? el("div", { class: "muted small" }, m.choices.map((c) => "[" + (c.title || c.id) + "]").join(" "))
      : null;
  // Ticks belong to the sender: the business sees them on what it sent through the API; the customer
  // sees them on its own messages (blue once the app marked them read).
  let status = null;
  if (view === "business" && m.origin === "api") status = ticks(m);
  if (view === "customer" && m.origin === "customer")
    status = el(
      "span",
      {
        class: "ticks" + (m.status === "read" ? " read" : ""),
        title: m.status === "read" ? "read by the business" : "delivered",
      },
      "✓✓",
    );
  return el(
    "div",
    {
      class:
        "bubble" +
        (mine ? " mine" : "") +
        (m.origin === "history" ? " history" : "") +
        (m.status === "failed" ? " failed" : ""),
      "data-testid": "bubble",
      "data-origin": m.origin,
      "data-id": m.id,
    },
    m.contextId ? el("div", { class: "muted small" }, "↪ reply") : null,
    el("div", { class: "body" }, describe(m)),
    view === "business" && m.status === "failed" && m.errors && m.errors.length
      ? el(
          "div",
          { class: "fail-reason", "data-testid": "fail-reason" },
          m.errors.map((e) => "Error " + e.code + ": " + e.title).join("; "),
        )
      : null,
    choices,
    el(
      "div",
      { class: "meta" },
      tag && view === "business" ? el("span", { class: "tag" }, tag) : null,
      m.edited ? "edited" : null,
      time(m.at),
      status,
    ),
    reaction ? el("span", { class: "reaction" }, reaction) : null,
    actions.length ? el("div", { class: "choices" }, actions) : null,
    tools.length ? el("div", { class: "tools" }, tools) : null,
  );
}

// ---------- actions ----------

function selectCustomer(id) {
  ui.customerId = id;
  setReply(null);
  refresh();
}

function setReply(m) {
  ui.replyTo = m ? m.id : null;
  const bar = $("#customer-reply");
  if (!m) return bar.classList.add("hidden");
  bar.replaceChildren(
    el("span", {}, "Replying to: " + (m.text || m.type)),
    el("button", { type: "button", title: "Cancel the reply", onclick: () => setReply(null) }, "×"),
  );
  bar.classList.remove("hidden");
}

async function customerSend(body) {
  if (!ui.customerId) throw new Error("Create or pick a customer first");
  await api("POST", "/customers/" + ui.customerId + "/send", { numberId: ui.numberId, ...body });
}

async function ownerSend(body) {
  if (!ui.customerId) throw new Error("Create or pick a customer first");
  await api("POST", "/owner/send", { customerId: ui.customerId, numberId: ui.numberId, ...body });
}

function editMessage(m, who) {
  const text = prompt("Edit message", m.text || "");
  if (text === null) return;
  const body = { type: "edit", originalMessageId: m.id, text };
  safe(() => (who === "customer" ? customerSend(body) : ownerSend(body)));
}

async function answerFlow(m, c) {
  const raw = prompt("Form answers as JSON (sent back as nfm_reply)", '{"answer": "yes"}');
  if (raw === null) return;
  let response;
  try {
    response = JSON.parse(raw || "{}");
  } catch {
    throw new Error('That is not valid JSON, e.g. {"answer": "yes"}');
  }
  await customerSend({ type: "nfm_reply", flowToken: c.id, response, contextId: m.id });
  return "Form sent";
}

async function templateEvent(id, event) {
  await api("POST", "/templates/" + id + "/status", {
    event,
    reason: event === "REJECTED" ? "INVALID_FORMAT" : undefined,
  });
  return "Template " + event.toLowerCase();
}

async function templateQuality(id, score) {
  await api("POST", "/templates/" + id + "/quality", { score });
  return "Quality now " + score.toLowerCase();
}

function readFile(file) {
  return new Promise((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(",")[1] || "");
    r.readAsDataURL(file);
  });
}

function showFile() {
  const input = $("#customer-compose").file;
  const file = input.files[0];
  $("#attach-label").textContent = file
    ? "📎 " + (file.name.length > 14 ? file.name.slice(0, 12) + "…" : file.name)
    : "File";
  input.parentElement.classList.toggle("has-file", !!file);
}
$("#customer-compose").file.addEventListener("change", showFile);

$("#number").addEventListener("change", (e) => {
  ui.numberId = e.target.value;
  refresh();
});

$("#new-customer").addEventListener("submit", (e) => {
  e.preventDefault();
  const form = e.target;
  const f = new FormData(form);
  const body = Object.fromEntries([...f.entries()].filter(([, v]) => v !== ""));
  safe(async () => {
    if (!body.phone && !body.username) throw new Error("Give the customer a phone or a username");
    const c = await api("POST", "/customers", body);
    form.reset();
    selectCustomer(c.id);
    return "Created " + c.name;
  });
});

$("#customer-compose").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const kind = f.kind.value;
  const text = f.text.value;
  safe(async () => {
    const body = { type: kind };
    if (kind === "text" || kind === "referral") {
      if (!text) throw new Error("Type a message first");
      Object.assign(body, { type: "text", text }, kind === "referral" ? { referral: true } : {});
    } else if (kind === "unsupported131060") Object.assign(body, { type: "unsupported", code: 131060 });
    else if (kind === "location") Object.assign(body, { name: text || undefined });
    else if (text) body.caption = text;
    const file = f.file.files[0];
    if (file && ["image", "video", "audio", "voice", "document", "sticker"].includes(kind)) {
      Object.assign(body, {
        dataBase64: await readFile(file),
        mimeType: file.type || undefined,
        filename: file.name,
      });
    }
    if (ui.replyTo) body.contextId = ui.replyTo;
    await customerSend(body);
    f.text.value = "";
    f.file.value = "";
    showFile();
    setReply(null);
  });
});

$("#owner-compose").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const kind = f.kind.value;
  const text = f.text.value;
  safe(async () => {
    if (kind === "text" && !text) throw new Error("Type a message first");
    await ownerSend(
      kind === "text"
        ? { type: "text", text }
        : kind === "errors"
          ? { type: "errors" }
          : { type: kind, caption: text || undefined },
    );
    f.text.value = "";
  });
});

$("#fault-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = e.target;
  const p = f.preset.value;
  const count = Number(f.count.value || 1);
  const body = p.startsWith("http")
    ? { httpStatus: Number(p.slice(4)), count }
    : { code: Number(p), count, async: ["131047", "131026", "131049"].includes(p) };
  safe(async () => {
    await api("POST", "/faults", { numberId: ui.numberId, ...body });
    return "Fault armed for the app's next " + (count === 1 ? "send" : count + " sends");
  });
});

const needCustomer = () => {
  if (!ui.customerId) throw new Error("Create or pick a customer first");
  return ui.customerId;
};

const actions = {
  history: async () => {
    const r = await api("POST", "/history", { numberId: ui.numberId });
    return "History import: " + r.chunks + " chunk(s) on their way";
  },
  "history-declined": async () => {
    await api("POST", "/history", { numberId: ui.numberId, declined: true });
    return "History declined (2593109) sent";
  },
  "contact-sync": async () => {
    const r = await api("POST", "/contacts/sync", { numberId: ui.numberId });
    return "Contact sync: " + r.contacts + " contact(s)";
  },
  "contact-remove": async () => {
    await api("POST", "/customers/" + needCustomer() + "/contact", {
      action: "remove",
      numberId: ui.numberId,
    });
    return "Contact removed from the address book";
  },
  "change-number": async () => {
    const c = await api("POST", "/customers/" + needCustomer() + "/change-number", { numberId: ui.numberId });
    return c.name + " now has +" + c.phone;
  },
  "change-user-id": async () => {
    await api("POST", "/customers/" + needCustomer() + "/change-user-id", { numberId: ui.numberId });
    return "BSUID changed";
  },
  "partner-removed": async () => {
    await api("POST", "/account-update", {
      numberId: ui.numberId,
      event: "PARTNER_REMOVED",
      reason: $("#removed-reason").value,
    });
    return "Partner removed: the app's sends now fail (133010)";
  },
  offboarded: async () => {
    await api("POST", "/account-update", { numberId: ui.numberId, event: "ACCOUNT_OFFBOARDED" });
    return "Offboarded: the app's sends now fail (133010)";
  },
  reconnected: async () => {
    await api("POST", "/account-update", { numberId: ui.numberId, event: "ACCOUNT_RECONNECTED" });
    return "Reconnected";
  },
  clock: async () => {
    await api("POST", "/clock", { advanceMs: 25 * 3600 * 1000 });
    return "Clock moved 25 h: the 24 h window is closed";
  },
  "customer-reads": async () => {
    const r = await api("POST", "/customers/" + needCustomer() + "/read", { numberId: ui.numberId });
    return r.read ? r.read + " message(s) read" : "Nothing new to read";
  },
  "customer-plays": async () => {
    const r = await api("POST", "/customers/" + needCustomer() + "/play", { numberId: ui.numberId });
    return r.played ? r.played + " voice note(s) played" : "No voice note to play";
  },
  marketing: async () => {
    const c = currentCustomer();
    const value = c && c.marketingStopped ? "resume" : "stop";
    await api("POST", "/customers/" + needCustomer() + "/marketing", { numberId: ui.numberId, value });
    return value === "stop" ? "Marketing stopped (user_preferences)" : "Marketing resumed (user_preferences)";
  },
  "clear-faults": async () => {
    await api("DELETE", "/faults");
    return "Faults cleared";
  },
  hold: async () => {
    await api("POST", "/delivery", { hold: !ui.state.delivery.hold });
    if (ui.state.delivery.hold) await api("POST", "/delivery/flush", {});
  },
  flush: () => api("POST", "/delivery/flush", {}).then(() => "Released held webhooks"),
  "flush-reverse": () =>
    api("POST", "/delivery/flush", { order: "reverse" }).then(() => "Released, reversed"),
  "flush-batch": () =>
    api("POST", "/delivery/flush", { batch: "changes" }).then(() => "Released as one POST"),
  duplicate: async (btn) => {
    const next = ui.duplicate ? 0 : 1;
    await api("POST", "/delivery", { duplicate: next });
    ui.duplicate = next;
    btn.textContent = "Duplicate: " + (ui.duplicate ? "on" : "off");
  },
};

document.addEventListener("click", (e) => {
  const btn = e.target.closest("[data-action]");
  if (!btn) return;
  e.preventDefault();
  const fn = actions[btn.dataset.action];
  if (fn) safe(() => fn(btn));
});

refresh();
setInterval(refresh, 1000);
