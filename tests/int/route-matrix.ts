// Expectations for the route × role matrix (route-matrix.int.test.ts). Every route handler method,
// server action and socket event in the app must have an entry here: a new one without an entry fails.
//
// Outcomes: "ok" = 2xx; "allowed" = authorised (neither 401 nor 403, no 5xx; a 404/409/422 from the
// verb's own rules is fine); a status or list of statuses = exactly one of those.

export const ROLES = ["anonymous", "other_agent", "agent", "supervisor", "admin"] as const;
export type MatrixRole = (typeof ROLES)[number];
type UserRole = Exclude<MatrixRole, "anonymous">;
export type Outcome = "ok" | "allowed" | number | readonly number[];

/** What the test builds before the matrix runs (ids), plus factories for throwaway targets. */
export type Fixtures = {
  teamA: string;
  teamB: string;
  /** A conversation of team A: visible to admin, supervisor (manages A) and agent (A), not other_agent (B). */
  conversationA: string;
  contactA: string;
  numberA: string;
  templateId: string;
  users: Record<UserRole, string>;
  freshUser: (opts?: { teamId?: string }) => Promise<string>;
  freshTeam: () => Promise<string>;
  freshRole: () => Promise<string>;
  freshApiKey: () => Promise<string>;
  /** A new user with the same role and teams as a matrix role, for calls that end the caller's sessions. */
  freshPerson: (role: UserRole) => Promise<string>;
  uuid: () => string;
};

export type Call = {
  params?: Record<string, string>;
  body?: unknown;
  query?: string;
  headers?: Record<string, string>;
  /** Act as this user (a fresh session) instead of the role's shared one. */
  actAs?: string;
};

export type RouteEntry =
  | {
      /** Every role, user roles required; anonymous defaults to 401. */
      expect: Partial<Record<MatrixRole, Outcome>> & Record<UserRole, Outcome>;
      /** Built per role, so state-changing calls each get their own target. */
      call?: (f: Fixtures, role: MatrixRole) => Promise<Call> | Call;
      note?: string;
    }
  | { public: string }
  | { excluded: string };

const all = (o: Outcome) => ({ admin: o, supervisor: o, agent: o, other_agent: o });
const adminOnly = { admin: "ok", supervisor: 403, agent: 403, other_agent: 403 } as const;
const adminAllowed = { admin: "allowed", supervisor: 403, agent: 403, other_agent: 403 } as const;
const campaigners = { admin: "allowed", supervisor: "allowed", agent: 403, other_agent: 403 } as const;
// Conversation A's scope: the other team's agent gets the same answer as for a missing conversation.
const teamAOnly = { admin: "ok", supervisor: "ok", agent: "ok", other_agent: 404 } as const;
const teamAAllowed = {
  admin: "allowed",
  supervisor: "allowed",
  agent: "allowed",
  other_agent: [403, 404],
} as const;

const text = (f: Fixtures, role: MatrixRole): Call => ({
  params: { id: f.conversationA },
  body: { type: "text", text: `matrix ${role}` },
  headers: { "idempotency-key": `matrix-${role}-${f.uuid()}` },
});

export const routeMatrix: Record<string, RouteEntry> = {
  // Not part of the REST API's authorization surface.
  "GET /api/webhooks/whatsapp": { excluded: "Meta's hub.challenge; verified by the verify token" },
  "POST /api/webhooks/whatsapp": { excluded: "HMAC-signed by Meta (X-Hub-Signature-256), see ingest tests" },
  "GET /api/auth/[...nextauth]": { public: "next-auth's own endpoints (CSRF token, session, providers)" },
  "POST /api/auth/[...nextauth]": { public: "next-auth's own endpoints (sign-in with its CSRF token)" },
  "GET /api/health": { public: "liveness/readiness probe" },
  // Prometheus text: audit:read (read-only operational data), never public.
  "GET /api/metrics": { expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 } },
  "GET /api/v1/openapi.json": { public: "the API description" },

  // People and permissions.
  "GET /api/v1/users": { expect: all("ok") },
  "POST /api/v1/users": {
    expect: adminOnly,
    call: (f) => ({ body: { email: `m-${f.uuid()}@example.com`, name: "Matrix", role: "agent" } }),
  },
  "GET /api/v1/users/[id]": { expect: all("ok"), call: (f) => ({ params: { id: f.users.agent } }) },
  "PATCH /api/v1/users/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshUser() }, body: { name: "Renamed" } }),
  },
  "POST /api/v1/users/[id]/disable": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshUser() } }),
  },
  "POST /api/v1/users/[id]/enable": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshUser() } }),
  },
  "POST /api/v1/users/[id]/reset-mfa": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshUser() } }),
  },
  "GET /api/v1/teams": { expect: all("ok") },
  "POST /api/v1/teams": { expect: adminOnly, call: (f) => ({ body: { name: `Matrix ${f.uuid()}` } }) },
  "GET /api/v1/teams/[id]": { expect: teamAOnly, call: (f) => ({ params: { id: f.teamA } }) },
  "PATCH /api/v1/teams/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshTeam() }, body: { name: `Renamed ${f.uuid()}` } }),
  },
  "DELETE /api/v1/teams/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshTeam() } }),
  },
  "POST /api/v1/teams/[id]/members": {
    // The supervisor manages team A (teams:roster); agents hold no roster permission.
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
    call: async (f) => ({ params: { id: f.teamA }, body: { user_id: await f.freshUser() } }),
  },
  "PATCH /api/v1/teams/[id]/members/[userId]": {
    // Appointing managers is teams:manage only: a team manager cannot make others managers.
    expect: adminOnly,
    call: async (f) => ({
      params: { id: f.teamA, userId: await f.freshUser({ teamId: f.teamA }) },
      body: { is_manager: true },
    }),
  },
  "DELETE /api/v1/teams/[id]/members/[userId]": {
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
    call: async (f) => ({ params: { id: f.teamA, userId: await f.freshUser({ teamId: f.teamA }) } }),
  },
  "GET /api/v1/roles": { expect: adminOnly },
  "POST /api/v1/roles": {
    expect: adminOnly,
    call: (f) => ({ body: { name: `Matrix ${f.uuid()}`, permissions: ["conversations:read"] } }),
  },
  "GET /api/v1/roles/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshRole() } }),
  },
  "PATCH /api/v1/roles/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshRole() }, body: { description: "edited" } }),
  },
  "DELETE /api/v1/roles/[id]": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshRole() } }),
  },
  "GET /api/v1/permissions": { expect: adminOnly },
  "GET /api/v1/api-keys": { expect: adminOnly },
  "POST /api/v1/api-keys": {
    expect: adminOnly,
    call: () => ({ body: { name: "Matrix key", role: "agent" } }),
  },
  "POST /api/v1/api-keys/[id]/revoke": {
    expect: adminOnly,
    call: async (f) => ({ params: { id: await f.freshApiKey() } }),
  },

  // Conversations and messages: object scope by team (IDOR by id for the other team's agent).
  "GET /api/v1/conversations": { expect: all("ok") },
  "GET /api/v1/conversations/[id]": { expect: teamAOnly, call: (f) => ({ params: { id: f.conversationA } }) },
  "GET /api/v1/conversations/[id]/messages": {
    expect: teamAOnly,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "POST /api/v1/conversations/[id]/messages": { expect: teamAAllowed, call: text },
  "POST /api/v1/conversations/[id]/read": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "POST /api/v1/conversations/[id]/typing": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "GET /api/v1/media/[id]": {
    expect: all("allowed"),
    call: (f) => ({ params: { id: f.uuid() } }),
    note: "404 for all: no such media",
  },
  "POST /api/v1/messages/[id]/retry": { expect: all("allowed"), call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/uploads": {
    expect: all("allowed"),
    call: () => ({ body: "x", headers: { "content-type": "text/plain" }, query: "?filename=a.txt" }),
  },
  "GET /api/v1/contacts/[id]/consent": {
    expect: { admin: "ok", supervisor: "ok", agent: "ok", other_agent: [403, 404] },
    call: (f) => ({ params: { id: f.contactA } }),
  },
  "POST /api/v1/contacts/[id]/consent": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.contactA }, body: { category: "marketing", state: "opt_in" } }),
  },

  // Numbers and templates.
  "GET /api/v1/numbers": { expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 } },
  "POST /api/v1/numbers": { expect: adminAllowed, call: () => ({ body: {} }) },
  "GET /api/v1/numbers/[id]": {
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
    call: (f) => ({ params: { id: f.numberA } }),
  },
  "PATCH /api/v1/numbers/[id]": {
    expect: adminOnly,
    call: (f) => ({ params: { id: f.numberA }, body: { send_rate_limit: null } }),
  },
  "GET /api/v1/numbers/signup-settings": {
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
  },
  "PUT /api/v1/numbers/signup-settings": {
    expect: adminOnly,
    call: () => ({ body: { app_id: null, config_id: null } }),
  },
  "POST /api/v1/numbers/embedded-signup": {
    expect: adminAllowed,
    call: () => ({ body: {} }),
    note: "admin: 422 on the empty body",
  },
  "POST /api/v1/numbers/[id]/resume-sending": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.numberA } }),
  },
  "GET /api/v1/templates": { expect: all("ok") },
  "GET /api/v1/templates/[id]": { expect: all("ok"), call: (f) => ({ params: { id: f.templateId } }) },
  "POST /api/v1/templates": {
    expect: adminAllowed,
    call: () => ({ body: {} }),
    note: "admin: 422 on the empty body",
  },
  "POST /api/v1/templates/sync": { expect: adminAllowed },

  // Campaigns and consent keywords: campaigns:manage (admins and supervisors).
  "GET /api/v1/campaigns": { expect: campaigners },
  "POST /api/v1/campaigns": { expect: campaigners, call: () => ({ body: {} }) },
  "GET /api/v1/campaigns/[id]": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/campaigns/[id]/cancel": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "GET /api/v1/campaigns/[id]/estimate": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/campaigns/[id]/pause": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "GET /api/v1/campaigns/[id]/report": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/campaigns/[id]/resume": { expect: campaigners, call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/campaigns/[id]/start": {
    expect: campaigners,
    call: (f) => ({ params: { id: f.uuid() }, body: {} }),
  },
  "GET /api/v1/campaigns/audiences": { expect: campaigners },
  "POST /api/v1/campaigns/estimate": { expect: campaigners, call: () => ({ body: {} }) },
  // CSAT survey settings: settings:manage (admins).
  "GET /api/v1/csat/settings": { expect: adminOnly },
  "PUT /api/v1/csat/settings": {
    expect: adminAllowed,
    call: () => ({ body: {} }),
    note: "admin: 422 on the empty body",
  },
  "GET /api/v1/consent/keywords": { expect: campaigners },
  "POST /api/v1/consent/keywords": { expect: campaigners, call: () => ({ body: {} }) },
  "DELETE /api/v1/consent/keywords/[keyword]": {
    expect: campaigners,
    call: () => ({ params: { keyword: "never-added" } }),
    note: "404 for a keyword with no admin row",
  },

  // Audit log: audit:read (admins, supervisors), export and verify: audit:export (admins).
  "GET /api/v1/audit": { expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 } },
  "GET /api/v1/audit/export": { expect: adminAllowed },
  "POST /api/v1/audit/verify": { expect: adminAllowed },

  // The caller's own account: everyone signed in, and only ever their own sessions.
  "GET /api/v1/me": { expect: all("ok") },
  "GET /api/v1/me/sessions": { expect: all("ok") },
  "POST /api/v1/me/sessions/[id]/revoke": {
    expect: all("allowed"),
    call: (f) => ({ params: { id: f.uuid() } }),
    note: "404 for a session that is not the caller's",
  },
  "POST /api/v1/me/sign-out-everywhere": {
    expect: all("ok"),
    call: async (f, role) => (role === "anonymous" ? {} : { actAs: await f.freshPerson(role) }),
  },
  "POST /api/v1/me/password": {
    expect: all("allowed"),
    call: () => ({ body: {} }),
    note: "422: no passwords given",
  },

  // Conversation actions and the timeline: conversations:reply within team A's scope.
  "POST /api/v1/conversations/[id]/assign": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: { team_id: f.teamA } }),
    note: "no change for anyone: the team stays",
  },
  "POST /api/v1/conversations/[id]/resolve": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "POST /api/v1/conversations/[id]/reopen": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "POST /api/v1/conversations/[id]/snooze": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: { until: null } }),
  },
  "POST /api/v1/conversations/[id]/priority": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: { priority: "high" } }),
  },
  "POST /api/v1/conversations/[id]/labels": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: { label_id: f.uuid() } }),
    note: "404 for a label that does not exist",
  },
  "DELETE /api/v1/conversations/[id]/labels/[labelId]": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA, labelId: f.uuid() } }),
  },
  "POST /api/v1/conversations/[id]/notes": {
    expect: teamAAllowed,
    call: (f, role) => ({ params: { id: f.conversationA }, body: { body: `matrix note ${role}` } }),
  },
  "GET /api/v1/conversations/[id]/events": {
    expect: teamAOnly,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "GET /api/v1/conversations/[id]/transcript": {
    expect: teamAOnly,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  "PUT /api/v1/conversations/[id]/legal-hold": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: { hold: false } }),
  },
  "GET /api/v1/conversations/counts": { expect: all("ok") },
  "GET /api/v1/search": { expect: all("ok"), call: () => ({ query: "?q=matrix" }) },

  // Labels (catalogue: labels:manage), canned responses (personal: everyone; shared: canned:manage).
  "GET /api/v1/labels": { expect: all("ok") },
  "POST /api/v1/labels": { expect: adminAllowed, call: (f) => ({ body: { name: `Label ${f.uuid()}` } }) },
  "PATCH /api/v1/labels/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() }, body: { name: "renamed" } }),
  },
  "DELETE /api/v1/labels/[id]": { expect: adminAllowed, call: (f) => ({ params: { id: f.uuid() } }) },
  "GET /api/v1/canned-responses": { expect: all("ok") },
  "POST /api/v1/canned-responses": {
    expect: all("allowed"),
    call: (f) => ({ body: { shortcut: `m-${f.uuid().slice(0, 8)}`, title: "Matrix", body: "Hello" } }),
  },
  "PATCH /api/v1/canned-responses/[id]": {
    expect: all("allowed"),
    call: (f) => ({ params: { id: f.uuid() }, body: { title: "x" } }),
    note: "404: another's or no such response",
  },
  "DELETE /api/v1/canned-responses/[id]": {
    expect: all("allowed"),
    call: (f) => ({ params: { id: f.uuid() } }),
  },

  // The caller's own notifications and availability.
  "GET /api/v1/notifications": { expect: all("ok") },
  "POST /api/v1/notifications/read": { expect: all("ok"), call: () => ({ body: { all: true } }) },
  "GET /api/v1/availability": { expect: all("ok") },
  "POST /api/v1/availability": { expect: all("ok"), call: () => ({ body: { availability: "away" } }) },

  // Routing: reading a team's routing needs sight of the team; policy teams:manage; capacity admins and managers.
  "GET /api/v1/routing/teams/[id]": {
    expect: { admin: "ok", supervisor: "ok", agent: "ok", other_agent: 403 },
    call: (f) => ({ params: { id: f.teamA } }),
  },
  "PATCH /api/v1/routing/teams/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.teamA }, body: { policy: "manual" } }),
  },
  "PATCH /api/v1/routing/teams/[id]/members/[userId]": {
    expect: { admin: "allowed", supervisor: "allowed", agent: 403, other_agent: 403 },
    call: (f) => ({ params: { id: f.teamA, userId: f.users.agent }, body: { capacity: 5 } }),
  },

  // SLA policies, business hours (settings:manage), reports and the board (conversations:assign).
  "GET /api/v1/sla-policies": { expect: all("ok") },
  "POST /api/v1/sla-policies": { expect: adminAllowed, call: () => ({ body: { name: "Matrix SLA" } }) },
  "PUT /api/v1/sla-policies/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() }, body: { name: "Matrix SLA" } }),
  },
  "DELETE /api/v1/sla-policies/[id]": { expect: adminAllowed, call: (f) => ({ params: { id: f.uuid() } }) },
  "GET /api/v1/business-hours": { expect: all("ok") },
  "POST /api/v1/business-hours": {
    expect: adminAllowed,
    call: (f) => ({ body: { name: `Hours ${f.uuid()}`, timezone: "UTC", weekly: {} } }),
  },
  "PUT /api/v1/business-hours/[id]": {
    expect: adminAllowed,
    call: (f) => ({
      params: { id: f.uuid() },
      body: { name: `Hours ${f.uuid()}`, timezone: "UTC", weekly: {} },
    }),
  },
  "GET /api/v1/reports": {
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
    call: () => ({ query: "?from=2026-11-01&to=2026-11-02" }),
  },
  "GET /api/v1/reports/export": {
    expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 },
    call: () => ({ query: "?from=2026-11-01&to=2026-11-02" }),
  },
  "GET /api/v1/board": { expect: { admin: "ok", supervisor: "ok", agent: 403, other_agent: 403 } },
  "POST /api/v1/board/reassign": {
    expect: { admin: "allowed", supervisor: "allowed", agent: 403, other_agent: 403 },
    call: (f) => ({ body: { from_user_id: f.uuid(), to_user_id: null } }),
  },

  // Data: retention and legal hold, contacts (read within scope; merge, import, export: contacts:manage).
  "PUT /api/v1/numbers/[id]/retention": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.numberA }, body: { days: null } }),
  },
  "GET /api/v1/contacts": { expect: all("ok") },
  "GET /api/v1/contacts/[id]": { expect: teamAOnly, call: (f) => ({ params: { id: f.contactA } }) },
  "POST /api/v1/contacts/[id]/merge": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() }, body: { into: f.uuid() } }),
  },
  "PUT /api/v1/contacts/[id]/legal-hold": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.contactA }, body: { hold: false } }),
  },
  // Custom contact attributes: definitions by contacts:manage, values by whoever may reply to the contact.
  "GET /api/v1/contact-attributes": { expect: all("ok") },
  "POST /api/v1/contact-attributes": {
    expect: adminAllowed,
    call: (f) => ({ body: { key: `m_${f.uuid().slice(0, 8)}`, label: "Matrix", type: "text" } }),
  },
  "PATCH /api/v1/contact-attributes/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() }, body: { label: "renamed" } }),
  },
  "DELETE /api/v1/contact-attributes/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() } }),
  },
  "PUT /api/v1/contacts/[id]/attributes": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.contactA }, body: { attributes: {} } }),
  },
  "GET /api/v1/numbers/[id]/contacts/export": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.numberA } }),
  },
  "POST /api/v1/numbers/[id]/contacts/import": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.numberA }, body: "phone\n", headers: { "content-type": "text/csv" } }),
  },

  // Bots: configured by admins (numbers:manage); handoff and takeover in team A's scope.
  "GET /api/v1/bots": { expect: adminOnly },
  "PUT /api/v1/bots/[numberId]": {
    expect: adminAllowed,
    call: (f) => ({ params: { numberId: f.numberA }, body: { name: "Matrix bot", kind: "flow" } }),
  },
  "GET /api/v1/bots/[numberId]/flow": {
    expect: adminAllowed,
    call: (f) => ({ params: { numberId: f.numberA } }),
  },
  "POST /api/v1/bots/[numberId]/flow": {
    expect: adminAllowed,
    call: (f) => ({ params: { numberId: f.numberA }, body: { definition: {} } }),
    note: "admin: 422 on an empty flow (or 404 before the bot exists)",
  },
  "POST /api/v1/bots/[numberId]/token": {
    expect: adminAllowed,
    call: (f) => ({ params: { numberId: f.numberA } }),
  },
  "POST /api/v1/bots/[numberId]/secret": {
    expect: adminAllowed,
    call: (f) => ({ params: { numberId: f.numberA } }),
  },
  "POST /api/v1/conversations/[id]/handoff": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA }, body: {} }),
    note: "409: not with the bot",
  },
  "POST /api/v1/conversations/[id]/takeover": {
    expect: teamAAllowed,
    call: (f) => ({ params: { id: f.conversationA } }),
  },
  // The bot API takes a bot token only: a browser session, whatever its role, is not one.
  "POST /api/v1/bot/conversations/[id]/messages": {
    expect: all(401),
    call: (f) => ({ params: { id: f.conversationA }, body: { type: "text", text: "x" } }),
  },
  "POST /api/v1/bot/conversations/[id]/handoff": {
    expect: all(401),
    call: (f) => ({ params: { id: f.conversationA }, body: {} }),
  },
  // Routing rules (which team gets a handoff): admins only (teams:manage).
  "GET /api/v1/routing-rules": { expect: adminOnly },
  "POST /api/v1/routing-rules": {
    expect: adminAllowed,
    call: (f) => ({
      body: { name: "Matrix rule", team_id: f.teamA, conditions: { keyword: `matrix-${f.uuid()}` } },
    }),
  },
  "PUT /api/v1/routing-rules/[id]": {
    expect: adminAllowed,
    call: (f) => ({
      params: { id: f.uuid() },
      body: { name: "Matrix rule", team_id: f.teamA, conditions: { language: "en" } },
    }),
  },
  "DELETE /api/v1/routing-rules/[id]": { expect: adminAllowed, call: (f) => ({ params: { id: f.uuid() } }) },
  "POST /api/v1/routing-rules/reorder": {
    expect: adminAllowed,
    call: () => ({ body: { ids: [] } }),
    note: "admin: 422 when rules exist that the list leaves out",
  },

  // Outbound webhooks (integrations): settings:manage.
  "GET /api/v1/webhook-endpoints": { expect: adminOnly },
  "POST /api/v1/webhook-endpoints": {
    expect: adminAllowed,
    call: () => ({ body: { name: "Matrix", url: "https://example.com/hook", events: ["message.received"] } }),
  },
  "PATCH /api/v1/webhook-endpoints/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() }, body: { active: false } }),
  },
  "DELETE /api/v1/webhook-endpoints/[id]": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() } }),
  },
  "GET /api/v1/webhook-endpoints/[id]/deliveries": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() } }),
  },
  "POST /api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/redeliver": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid(), deliveryId: "1" } }),
  },
  "POST /api/v1/webhook-endpoints/[id]/secret": {
    expect: adminAllowed,
    call: (f) => ({ params: { id: f.uuid() } }),
  },
  // Admin data page: retention overview and purge now (numbers:manage), legal-hold search (settings:manage).
  "GET /api/v1/retention": { expect: adminOnly },
  "POST /api/v1/retention/purge": { expect: adminOnly },
  "GET /api/v1/legal-holds": { expect: adminOnly, call: () => ({ query: "?q=matrix" }) },
};

/** Server actions ("use server"): key `<file>#<export>`. They are public endpoints (STYLE.md habit 10). */
export const actionMatrix: Record<string, { public: string } | { self: string } | { permission: string }> = {
  "app/(auth)/sign-in/actions.ts#signInAction": { public: "checks credentials; next-auth CSRF + throttling" },
  "app/(dashboard)/layout.tsx#signOutAction": { self: "ends the caller's own session only" },
  "app/(auth)/mfa/setup/actions.ts#confirmMfaAction": {
    self: "enrols TOTP for the caller's own pending session",
  },
  "app/(auth)/password/change/actions.ts#changePasswordAction": { self: "changes the caller's own password" },
  "app/(dashboard)/account/actions.ts#revokeSessionAction": { self: "ends one of the caller's own sessions" },
  "app/(dashboard)/account/actions.ts#signOutEverywhereAction": {
    self: "ends all the caller's own sessions",
  },
  "app/(dashboard)/admin/security/actions.ts#setMfaRequiredForAllAction": { permission: "settings:manage" },
};

/** Socket.io client → server events (lib/realtime/events.ts ClientToServerEvents). */
export const socketEventMatrix: Record<string, { permission: string; note?: string }> = {
  "conversation.view": {
    permission: "conversations:read",
    note: "joins the presence room only when the actor may read that conversation (lib/realtime/presence.int.test.ts)",
  },
  "conversation.typing": {
    permission: "conversations:read",
    note: "only for the conversation the socket has joined",
  },
  "conversation.leave": { permission: "conversations:read", note: "leaves the caller's own presence room" },
  "board.join": {
    permission: "conversations:assign",
    note: "refused for agents; scoped to the supervisor's teams (lib/realtime/board.int.test.ts)",
  },
};

/** Mass assignment and escalation probes (R11 BOPLA): each must be refused with the given status. */
export type Probe = {
  name: string;
  role: UserRole;
  method: "POST" | "PATCH" | "DELETE";
  route: string;
  call: (f: Fixtures) => Promise<Call> | Call;
  status: number;
  /** On a 422: the field the error must name. */
  field?: string;
};

export const probes: Probe[] = [
  {
    name: "an agent sets role on a user",
    role: "agent",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: (f) => ({ params: { id: f.users.agent }, body: { role: "admin" } }),
    status: 403,
  },
  {
    name: "an agent sets their own teams",
    role: "agent",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: (f) => ({ params: { id: f.users.agent }, body: { team_ids: [f.teamB] } }),
    status: 403,
  },
  {
    name: "a supervisor (team manager) makes someone admin",
    role: "supervisor",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: (f) => ({ params: { id: f.users.agent }, body: { role: "admin" } }),
    status: 403,
  },
  {
    name: "an admin sets password_hash through PATCH",
    role: "admin",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: (f) => ({ params: { id: f.users.agent }, body: { name: "x", password_hash: "x" } }),
    status: 422,
    field: "password_hash",
  },
  {
    name: "an admin sets session_version through PATCH",
    role: "admin",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: (f) => ({ params: { id: f.users.agent }, body: { session_version: 0 } }),
    status: 422,
    field: "session_version",
  },
  {
    name: "an admin invites with mfa_secret preset",
    role: "admin",
    method: "POST",
    route: "/api/v1/users",
    call: (f) => ({
      body: { email: `p-${f.uuid()}@example.com`, name: "P", role: "agent", mfa_secret: "x" },
    }),
    status: 422,
    field: "mfa_secret",
  },
  {
    name: "a team manager edits another team's roster",
    role: "supervisor",
    method: "POST",
    route: "/api/v1/teams/[id]/members",
    call: async (f) => ({ params: { id: f.teamB }, body: { user_id: await f.freshUser() } }),
    status: 404,
  },
  {
    name: "a team manager appoints a manager",
    role: "supervisor",
    method: "POST",
    route: "/api/v1/teams/[id]/members",
    call: async (f) => ({
      params: { id: f.teamA },
      body: { user_id: await f.freshUser(), is_manager: true },
    }),
    status: 403,
  },
  {
    name: "a team manager adds a member with a role",
    role: "supervisor",
    method: "POST",
    route: "/api/v1/teams/[id]/members",
    call: async (f) => ({ params: { id: f.teamA }, body: { user_id: await f.freshUser(), role: "admin" } }),
    status: 422,
    field: "role",
  },
  {
    name: "an admin grants ingest:apply in a role",
    role: "admin",
    method: "POST",
    route: "/api/v1/roles",
    call: (f) => ({ body: { name: `Bad ${f.uuid()}`, permissions: ["conversations:read", "ingest:apply"] } }),
    status: 422,
    field: "permissions.1",
  },
  {
    name: "an agent creates an admin API key",
    role: "agent",
    method: "POST",
    route: "/api/v1/api-keys",
    call: () => ({ body: { name: "mine", role: "admin" } }),
    status: 403,
  },
  {
    name: "the other team's agent writes in team A's conversation (IDOR)",
    role: "other_agent",
    method: "POST",
    route: "/api/v1/conversations/[id]/messages",
    call: (f) => ({
      params: { id: f.conversationA },
      body: { type: "text", text: "idor" },
      headers: { "idempotency-key": `idor-${f.uuid()}` },
    }),
    status: 404,
  },
  {
    name: "a malformed user id",
    role: "admin",
    method: "PATCH",
    route: "/api/v1/users/[id]",
    call: () => ({ params: { id: "not-a-uuid" }, body: { name: "x" } }),
    status: 404,
  },
];
