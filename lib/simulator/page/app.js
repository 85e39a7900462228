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
  duplicate: 0,
};

async function api(method, path, body) {
  const res = await fetch("/sim/api" + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    toast(json.error || "HTTP " + res.status);
    throw new Error(json.error || res.status);
  }
  return json;
}

function toast(text) {
  const t = $("#toast");
  t.textContent = text;
  t.classList.remove("hidden");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.add("hidden"), 2500);
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const ICONS = {
  image: "📷 Photo",
  video: "🎥 Video",
  audio: "🎵 Audio",
  document: "📄 Document",
  sticker: "🩹 Sticker",
  location: "📍",
  contacts: "👤",
  template: "",
  errors: "⚠️ sent from phone, content unavailable",
};

function describe(m) {
  if (m.revoked) return el("span", { class: "revoked" }, "🚫 This message was deleted");
  if (m.reaction) return "Reacted " + m.reaction.emoji;
  const icon = ICONS[m.type] || "";
  const text = m.text || "";
  const parts = [icon && icon + (text ? " " : ""), text].filter(Boolean).join("");
  return parts || (m.type === "audio" ? "🎤 Voice/audio" : "(" + m.type + ")");
}

function ticks(m) {
  if (!m.status) return null;
  if (m.status === "failed")
    return el(
      "span",
      { class: "ticks failed", title: (m.errors || []).map((e) => e.code + " " + e.title).join(", ") },
      "⚠ failed",
    );
  const t = { sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓" }[m.status] || "";
  return el(
    "span",
    {
      class: "ticks " + (m.status === "read" || m.status === "played" ? "read" : ""),
      "data-status": m.status,
    },
    t,
  );
}

// ---------- rendering ----------

async function refresh() {
  const s = await api("GET", "/state");
  ui.state = s;
  if (!ui.numberId && s.numbers[0]) ui.numberId = s.numbers[0].phoneNumberId;
  renderNumbers(s);
  renderCustomers(s);
  renderTemplates(s);
  $("#faults").textContent = s.faults.length
    ? "Active: " +
      s.faults
        .map(
          (f) =>
            (f.code || "HTTP " + f.httpStatus) +
            (f.async ? " async" : "") +
            (f.remaining !== undefined ? " ×" + f.remaining : ""),
        )
        .join(", ")
    : "No active faults";
  $('[data-action="hold"]').textContent = s.delivery.hold ? "Holding (" + s.delivery.held + ")" : "Hold";
  const newer = await api("GET", "/deliveries?body=0&since=" + ui.lastDelivery);
  for (const d of newer) ui.lastDelivery = Math.max(ui.lastDelivery, d.id);
  ui.deliveries = [...ui.deliveries.filter((d) => !newer.find((n) => n.id === d.id)), ...newer].slice(-200);
  // Pending ones change state: re-fetch a small window.
  const pending = ui.deliveries.filter((d) => d.state === "pending");
  if (pending.length) {
    const again = await api("GET", "/deliveries?body=0&since=" + (Math.min(...pending.map((d) => d.id)) - 1));
    ui.deliveries = ui.deliveries.map((d) => again.find((a) => a.id === d.id) || d);
  }
  renderDeliveries();
  await renderChats();
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
  const n = s.numbers.find((x) => x.phoneNumberId === ui.numberId);
  $("#number-info").textContent = n
    ? "WABA " +
      n.wabaId +
      " · " +
      (n.connected ? "connected" : "disconnected") +
      " · clock " +
      new Date(s.now).toLocaleString()
    : "";
}

function renderCustomers(s) {
  const list = $("#customer-list");
  list.replaceChildren(
    ...s.customers.map((c) =>
      el(
        "li",
        {
          class: c.id === ui.customerId ? "active" : "",
          "data-testid": "customer-" + c.id,
          onclick: () => selectCustomer(c.id),
        },
        el("div", {}, c.name, c.username ? " @" + c.username : ""),
        el("div", { class: "sub" }, (c.phone ? "+" + c.phone : "phone hidden") + " · " + c.bsuid),
      ),
    ),
  );
  if (!ui.customerId && s.customers[0]) ui.customerId = s.customers[0].id;
  const c = s.customers.find((x) => x.id === ui.customerId);
  $("#customer-title").textContent = c
    ? c.name + (c.phone ? " · +" + c.phone : " · @" + c.username)
    : "pick or create a customer";
  $("#business-title").textContent = c ? "chat with " + (c.addressBookName || c.name) : "";
  const w = c && c.windows[ui.numberId];
  const badge = $("#window-badge");
  badge.textContent = w ? (w.open ? "24 h window open" : "window closed") : "";
  badge.className = "badge" + (w && !w.open ? " closed" : "");
}

function renderTemplates(s) {
  const rows = s.templates.map((t) =>
    el(
      "tr",
      {},
      el("td", {}, t.name),
      el("td", {}, t.language),
      el("td", {}, t.category.toLowerCase()),
      el("td", { class: "status-" + t.status }, t.status),
      el(
        "td",
        {},
        el("button", { onclick: () => templateEvent(t.id, "APPROVED") }, "Approve"),
        " ",
        el("button", { onclick: () => templateEvent(t.id, "REJECTED") }, "Reject"),
        " ",
        el("button", { onclick: () => templateEvent(t.id, "PAUSED") }, "Pause"),
      ),
    ),
  );
  $("#templates").replaceChildren(...rows);
}

function renderDeliveries() {
  const items = ui.deliveries
    .slice(-25)
    .reverse()
    .map((d) => {
      const codes = d.attempts.map((a) => a.status || a.error || "err").join("→") || "…";
      const bad = d.state === "failed" || d.attempts.some((a) => a.status < 200 || a.status >= 300);
      return el(
        "li",
        { class: bad ? "bad" : "", value: d.id },
        d.fields.join(",") + "  " + codes + (d.duplicateOf ? " (dup)" : ""),
      );
    });
  $("#deliveries").replaceChildren(...items);
  const failed = ui.deliveries.filter((d) => d.state === "failed").length;
  $("#delivery-summary").textContent =
    ui.deliveries.length + " webhooks" + (failed ? " · " + failed + " failed" : "");
}

async function renderChats() {
  if (!ui.customerId) {
    $("#customer-chat").replaceChildren();
    $("#business-chat").replaceChildren();
    return;
  }
  const msgs = await api("GET", "/customers/" + ui.customerId + "/messages?numberId=" + ui.numberId);
  const stick = (box) => box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const cBox = $("#customer-chat");
  const bBox = $("#business-chat");
  const cStick = stick(cBox);
  const bStick = stick(bBox);
  const reactions = {};
  for (const m of msgs) if (m.reaction) reactions[m.reaction.messageId] = m.reaction.emoji;
  const visible = msgs.filter((m) => !m.reaction);
  cBox.replaceChildren(...visible.map((m) => bubble(m, "customer", reactions[m.id])));
  bBox.replaceChildren(...visible.map((m) => bubble(m, "business", reactions[m.id])));
  if (cStick) cBox.scrollTop = cBox.scrollHeight;
  if (bStick) bBox.scrollTop = bBox.scrollHeight;
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
  if (view === "customer" && !fromCustomer && m.origin !== "history") {
    tools.push(el("button", { onclick: () => setReply(m) }, "Reply"));
    tools.push(
      el("button", { onclick: () => customerSend({ type: "reaction", messageId: m.id, emoji: "👍" }) }, "👍"),
    );
    for (const c of m.choices || [])
      tools.push(
        el(
          "button",
          {
            "data-testid": "choice",
            onclick: () =>
              customerSend(
                c.kind === "button"
                  ? { type: "button", payload: c.id, text: c.title, contextId: m.id }
                  : { type: c.kind, id: c.id, title: c.title, contextId: m.id },
              ),
          },
          c.title,
        ),
      );
  }
  if (view === "customer" && fromCustomer && !m.revoked) {
    tools.push(el("button", { onclick: () => editMessage(m, "customer") }, "Edit"));
    tools.push(
      el("button", { onclick: () => customerSend({ type: "revoke", originalMessageId: m.id }) }, "Delete"),
    );
  }
  if (view === "business" && m.origin === "business_app" && !m.revoked && m.type !== "errors") {
    tools.push(el("button", { onclick: () => editMessage(m, "owner") }, "Edit"));
    tools.push(
      el("button", { onclick: () => ownerSend({ type: "revoke", originalMessageId: m.id }) }, "Delete"),
    );
  }
  const choices =
    m.choices && m.choices.length && !(view === "customer")
      ? el("div", { class: "muted small" }, m.choices.map((c) => "[" + c.title + "]").join(" "))
      : null;
  return el(
    "div",
    {
      class: "bubble" + (mine ? " mine" : "") + (m.origin === "history" ? " history" : ""),
      "data-testid": "bubble",
      "data-origin": m.origin,
      "data-id": m.id,
    },
    m.contextId ? el("div", { class: "muted small" }, "↪ reply") : null,
    el("div", { class: "body" }, describe(m)),
    choices,
    el(
      "div",
      { class: "meta" },
      tag && view === "business" ? el("span", { class: "tag" }, tag) : null,
      m.edited ? "edited" : null,
      time(m.at),
      m.origin === "api" ? ticks(m) : null,
    ),
    reaction ? el("span", { class: "reaction" }, reaction) : null,
    tools.length ? el("div", { class: "tools" }, tools) : null,
  );
}

// ---------- actions ----------

function selectCustomer(id) {
  ui.customerId = id;
  ui.replyTo = null;
  setReply(null);
  refresh();
}

function setReply(m) {
  ui.replyTo = m ? m.id : null;
  const bar = $("#customer-reply");
  if (!m) return bar.classList.add("hidden");
  bar.replaceChildren(
    el("span", {}, "Replying to: " + (m.text || m.type)),
    el("button", { onclick: () => setReply(null) }, "×"),
  );
  bar.classList.remove("hidden");
}

async function customerSend(body) {
  if (!ui.customerId) return toast("Pick or create a customer first");
  await api("POST", "/customers/" + ui.customerId + "/send", { numberId: ui.numberId, ...body });
  refresh();
}

async function ownerSend(body) {
  if (!ui.customerId) return toast("Pick or create a customer first");
  await api("POST", "/owner/send", { customerId: ui.customerId, numberId: ui.numberId, ...body });
  refresh();
}

async function editMessage(m, who) {
  const text = prompt("Edit message", m.text || "");
  if (text === null) return;
  const body = { type: "edit", originalMessageId: m.id, text };
  who === "customer" ? customerSend(body) : ownerSend(body);
}

async function templateEvent(id, event) {
  await api("POST", "/templates/" + id + "/status", {
    event,
    reason: event === "REJECTED" ? "INVALID_FORMAT" : undefined,
  });
  refresh();
}

function readFile(file) {
  return new Promise((resolve) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).split(",")[1] || "");
    r.readAsDataURL(file);
  });
}

$("#number").addEventListener("change", (e) => {
  ui.numberId = e.target.value;
  refresh();
});

$("#new-customer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = Object.fromEntries([...f.entries()].filter(([, v]) => v !== ""));
  const c = await api("POST", "/customers", body);
  e.target.reset();
  selectCustomer(c.id);
});

$("#customer-compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const kind = f.kind.value;
  const text = f.text.value;
  const body = { type: kind };
  if (kind === "text" || kind === "referral") {
    if (!text) return;
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
  setReply(null);
});

$("#owner-compose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const kind = f.kind.value;
  const text = f.text.value;
  if (kind === "text" && !text) return;
  await ownerSend(
    kind === "text"
      ? { type: "text", text }
      : kind === "errors"
        ? { type: "errors" }
        : { type: kind, caption: text || undefined },
  );
  f.text.value = "";
});

$("#fault-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = e.target;
  const p = f.preset.value;
  const count = Number(f.count.value || 1);
  const body = p.startsWith("http")
    ? { httpStatus: Number(p.slice(4)), count }
    : { code: Number(p), count, async: ["131047", "131026", "131049"].includes(p) };
  await api("POST", "/faults", { numberId: ui.numberId, ...body });
  toast("Fault armed for the next " + count + " send(s)");
  refresh();
});

const actions = {
  history: () => api("POST", "/history", { numberId: ui.numberId }),
  "history-declined": () => api("POST", "/history", { numberId: ui.numberId, declined: true }),
  "contact-sync": () => api("POST", "/contacts/sync", { numberId: ui.numberId }),
  "contact-remove": () =>
    ui.customerId &&
    api("POST", "/customers/" + ui.customerId + "/contact", { action: "remove", numberId: ui.numberId }),
  "change-number": () =>
    ui.customerId && api("POST", "/customers/" + ui.customerId + "/change-number", { numberId: ui.numberId }),
  "change-user-id": () =>
    ui.customerId &&
    api("POST", "/customers/" + ui.customerId + "/change-user-id", { numberId: ui.numberId }),
  "partner-removed": () =>
    api("POST", "/account-update", {
      numberId: ui.numberId,
      event: "PARTNER_REMOVED",
      reason: $("#removed-reason").value,
    }),
  offboarded: () => api("POST", "/account-update", { numberId: ui.numberId, event: "ACCOUNT_OFFBOARDED" }),
  reconnected: () => api("POST", "/account-update", { numberId: ui.numberId, event: "ACCOUNT_RECONNECTED" }),
  clock: () => api("POST", "/clock", { advanceMs: 25 * 3600 * 1000 }),
  "customer-reads": () =>
    ui.customerId && api("POST", "/customers/" + ui.customerId + "/read", { numberId: ui.numberId }),
  "clear-faults": () => api("DELETE", "/faults"),
  hold: () => api("POST", "/delivery", { hold: !ui.state.delivery.hold }),
  flush: () => api("POST", "/delivery/flush", {}),
  "flush-reverse": () => api("POST", "/delivery/flush", { order: "reverse" }),
  "flush-batch": () => api("POST", "/delivery/flush", { batch: "changes" }),
  duplicate: async (btn) => {
    ui.duplicate = ui.duplicate ? 0 : 1;
    btn.textContent = "Duplicate: " + (ui.duplicate ? "on" : "off");
    return api("POST", "/delivery", { duplicate: ui.duplicate });
  },
};

document.addEventListener("click", async (e) => {
  const btn = e.target.closest("[data-action]");
  if (!btn) return;
  e.preventDefault();
  const fn = actions[btn.dataset.action];
  if (!fn) return;
  await fn(btn);
  toast(btn.textContent.trim() + ": done");
  refresh();
});

refresh();
setInterval(() => refresh().catch(() => {}), 1000);
