import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { auditLog, templates } from "@/lib/db/schema";
import { setRuntimeEnv } from "@/lib/env.js";
import { ForbiddenError, UpstreamError, ValidationError } from "@/lib/errors";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { addNumber } from "@/lib/numbers";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import { startReceiver } from "@/lib/simulator/test-helpers";
import { POST as postTemplatesRoute, GET as getTemplatesRoute } from "@/app/api/v1/templates/route";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import { createTemplate, getTemplate, listTemplates, syncTemplates } from "./index";
import type { CreateTemplateInput, TemplateDto } from "./schemas";

useTestDatabase();
const system = { actor: systemActor("test") };
const admin = { actor: { type: "user", id: crypto.randomUUID(), role: "admin", teamIds: [] } as Actor };
const agent = { actor: { type: "user", id: crypto.randomUUID(), role: "agent", teamIds: [] } as Actor };
const WABA = "500000000000001";
const OTHER_WABA = "500000000000002";

let sim: Simulator;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  sim = await startSimulator({
    port: 0,
    appWebhookUrl: receiver.url,
    appSecret: "test-app-secret",
    accessToken: "simulator-token",
    numbers: [
      { wabaId: WABA, phoneNumberId: "150000000000001", displayNumber: "15550150001", coexistence: true },
      {
        wabaId: OTHER_WABA,
        phoneNumberId: "150000000000002",
        displayNumber: "15550150002",
        coexistence: false,
      },
    ],
    templates: [],
    // Review only when a test asks for it.
    config: { templateReviewMs: 600_000 },
    log: () => {},
  });
  setRuntimeEnv({ GRAPH_API_BASE: sim.url });
  await addNumber({
    ctx: system,
    input: { wabaId: WABA, phoneNumberId: "150000000000001", displayNumber: "+1 555 015 0001" },
  });
  await addNumber({
    ctx: system,
    input: { wabaId: OTHER_WABA, phoneNumberId: "150000000000002", displayNumber: "+1 555 015 0002" },
  });
});

afterAll(async () => {
  await sim?.stop();
  await receiver?.close();
});

beforeEach(async () => {
  await simApi("POST", "/reset");
  await simApi("POST", "/config", { templateReviewMs: 600_000 });
  await getDb().delete(templates).where(eq(templates.wabaId, WABA));
  await getDb().delete(templates).where(eq(templates.wabaId, OTHER_WABA));
  receiver.received.length = 0;
});

describe("syncTemplates", () => {
  it("pages through more than 100 templates and stores each once, language normalised", async () => {
    for (let i = 0; i < 130; i++) {
      await simApi("POST", "/templates", {
        wabaId: WABA,
        name: `bulk_${String(i).padStart(3, "0")}`,
        language: i % 2 ? "en-US" : "pt_BR",
        category: i % 3 ? "UTILITY" : "MARKETING",
        components: [{ type: "BODY", text: `Template ${i} for {{1}}.` }],
      });
    }
    await simApi("POST", "/templates", { wabaId: OTHER_WABA, name: "other_waba_one" });

    const result = await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    expect(result).toMatchObject({ added: 130, updated: 0, removed: 0 });

    const pages = graphRequests("GET", `/${WABA}/message_templates`);
    expect(pages).toHaveLength(2);
    expect(pages[0]!.query).toMatchObject({
      limit: "100",
      fields: "name,status,category,language,components,rejected_reason,quality_score,parameter_format",
    });
    expect(pages[1]!.query.after).toBeTruthy();

    const rows = await getDb().select().from(templates).where(eq(templates.wabaId, WABA));
    expect(rows).toHaveLength(130);
    expect(new Set(rows.map((r) => r.templateId)).size).toBe(130);
    const one = rows.find((r) => r.name === "bulk_001")!;
    expect(one).toMatchObject({
      language: "en_US",
      status: "APPROVED",
      category: "UTILITY",
      quality: "GREEN",
    });
    expect(one.components).toEqual([{ type: "BODY", text: "Template 1 for {{1}}." }]);
    // Only the WABA asked for.
    expect(await getDb().select().from(templates).where(eq(templates.wabaId, OTHER_WABA))).toHaveLength(0);

    // The list API pages the same rows alphabetically without gaps or repeats.
    const seen: TemplateDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTemplates({ ctx: agent, input: { wabaId: WABA, limit: 50, cursor } });
      seen.push(...page.data);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen.map((t) => t.name)).toEqual([...rows.map((r) => r.name!)].sort());
    const filtered = await listTemplates({ ctx: agent, input: { q: "bulk_12", status: "APPROVED" } });
    expect(filtered.data.map((t) => t.name)).toEqual([
      "bulk_120",
      "bulk_121",
      "bulk_122",
      "bulk_123",
      "bulk_124",
      "bulk_125",
      "bulk_126",
      "bulk_127",
      "bulk_128",
      "bulk_129",
    ]);
    expect(filtered.data[0]).toMatchObject({ waba_id: WABA, parameter_format: "POSITIONAL" });
    expect(await getTemplate({ ctx: agent, input: { id: filtered.data[0]!.id } })).toEqual(filtered.data[0]);
  });

  it("is idempotent: a second sync changes nothing and audits nothing", async () => {
    for (const name of ["idem_a", "idem_b", "idem_c"])
      await simApi("POST", "/templates", { wabaId: WABA, name });
    const first = await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    expect(first).toMatchObject({ added: 3, updated: 0, removed: 0 });
    const before = await getDb().select().from(templates).where(eq(templates.wabaId, WABA));
    const audits = await syncAudits();

    const second = await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    expect(second).toMatchObject({ added: 0, updated: 0, removed: 0 });
    const after = await getDb().select().from(templates).where(eq(templates.wabaId, WABA));
    expect(after).toEqual(before);
    expect(await syncAudits()).toBe(audits);

    // A change at Meta (quality drops) is picked up as one update.
    const idB = after.find((r) => r.name === "idem_b")!.templateId;
    await simApi("POST", `/templates/${idB}/quality`, { score: "RED" });
    const third = await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    expect(third).toMatchObject({ added: 0, updated: 1, removed: 0 });
  });

  it("marks templates Meta no longer has as DELETED, and hides them from the list", async () => {
    const keep = await simTemplate("keep_me");
    const drop = await simTemplate("drop_me");
    await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    const del = await fetch(`${sim.url}/v25.0/${WABA}/message_templates?name=drop_me`, {
      method: "DELETE",
      headers: { authorization: "Bearer simulator-token" },
    });
    expect(del.status).toBe(200);

    const result = await syncTemplates({ ctx: admin, input: { wabaId: WABA } });
    expect(result).toMatchObject({ added: 0, updated: 0, removed: 1 });
    expect(await statusOf(drop.id)).toBe("DELETED");
    expect(await statusOf(keep.id)).toBe("APPROVED");
    expect((await listTemplates({ ctx: admin, input: { wabaId: WABA } })).data.map((t) => t.name)).toEqual([
      "keep_me",
    ]);
    const deleted = await listTemplates({ ctx: admin, input: { wabaId: WABA, status: "DELETED" } });
    expect(deleted.data.map((t) => t.name)).toEqual(["drop_me"]);
    // Already deleted: not counted again.
    expect(await syncTemplates({ ctx: admin, input: { wabaId: WABA } })).toMatchObject({ removed: 0 });
  });

  it("syncs every WABA that has a number when none is named", async () => {
    await simApi("POST", "/templates", { wabaId: WABA, name: "first_waba" });
    await simApi("POST", "/templates", { wabaId: OTHER_WABA, name: "second_waba" });
    const result = await syncTemplates({ ctx: admin, input: {} });
    expect(result.added).toBe(2);
    expect(result.wabas.map((w) => [w.waba_id, w.added])).toEqual([
      [WABA, 1],
      [OTHER_WABA, 1],
    ]);
  });

  it("refuses agents, and reports Graph failures as upstream errors", async () => {
    await expect(syncTemplates({ ctx: agent, input: { wabaId: WABA } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const error = await syncTemplates({ ctx: admin, input: { wabaId: "999999999999999" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).details).toHaveProperty("graphCode");
  });
});

describe("createTemplate", () => {
  const valid: CreateTemplateInput = {
    waba_id: WABA,
    name: "order_ready_pickup",
    language: "en-US",
    category: "UTILITY",
    parameter_format: "POSITIONAL",
    components: {
      header: { format: "TEXT", text: "Order {{1}}", example: "A-1001" },
      body: { text: "Hi {{1}}, your order {{2}} is ready.", examples: { "1": "Maria", "2": "A-1001" } },
      footer: { text: "Tandem Shop" },
      buttons: [
        { type: "QUICK_REPLY", text: "Thanks" },
        { type: "QUICK_REPLY", text: "Change time" },
        { type: "URL", text: "Track", url: "https://shop.example/track/{{1}}", example: "A-1001" },
        { type: "PHONE_NUMBER", text: "Call us", phone_number: "+15550150001" },
      ],
    },
  };

  it("sends Meta the exact body, stores a PENDING row, and applies the review webhook", async () => {
    const since = sim.state.requests.length;
    const created = await createTemplate({ ctx: admin, input: valid });
    expect(created).toMatchObject({
      waba_id: WABA,
      name: "order_ready_pickup",
      language: "en_US",
      status: "PENDING",
      category: "UTILITY",
    });

    const [call] = sim.state.requests.slice(since).filter((r) => r.method === "POST");
    expect(call?.path).toMatch(new RegExp(`/${WABA}/message_templates$`));
    expect(call?.body).toEqual({
      name: "order_ready_pickup",
      language: "en_US",
      category: "UTILITY",
      parameter_format: "POSITIONAL",
      components: [
        { type: "HEADER", format: "TEXT", text: "Order {{1}}", example: { header_text: ["A-1001"] } },
        {
          type: "BODY",
          text: "Hi {{1}}, your order {{2}} is ready.",
          example: { body_text: [["Maria", "A-1001"]] },
        },
        { type: "FOOTER", text: "Tandem Shop" },
        {
          type: "BUTTONS",
          buttons: [
            { type: "QUICK_REPLY", text: "Thanks" },
            { type: "QUICK_REPLY", text: "Change time" },
            { type: "URL", text: "Track", url: "https://shop.example/track/{{1}}", example: ["A-1001"] },
            { type: "PHONE_NUMBER", text: "Call us", phone_number: "+15550150001" },
          ],
        },
      ],
    });
    const [row] = await getDb().select().from(templates).where(eq(templates.id, created.id));
    expect(row).toMatchObject({ templateId: (call!.response as { id: string }).id, status: "PENDING" });
    const [audit] = await getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "template.created"), eq(auditLog.entityId, created.id)));
    expect(audit?.actorId).toBe((admin.actor as { id: string }).id);

    // Meta reviews it and says so by webhook; ingestion moves the same row to APPROVED.
    await simApi("POST", `/templates/${row!.templateId}/status`, { event: "APPROVED" });
    // Not delivery.idle(): the 10-minute review timer of the create would keep it waiting.
    await expect.poll(() => receiver.received.length).toBe(1);
    const eventId = await storeWebhookEvent(receiver.received[0]!.raw);
    await applyWebhookEvent({ ctx: system, input: { eventId } });
    const after = await getDb().select().from(templates).where(eq(templates.wabaId, WABA));
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: created.id, status: "APPROVED" });
  });

  it("sends named parameters with their names", async () => {
    const since = sim.state.requests.length;
    await createTemplate({
      ctx: admin,
      input: {
        waba_id: WABA,
        name: "named_vars",
        language: "en_US",
        category: "MARKETING",
        parameter_format: "NAMED",
        components: {
          header: { format: "IMAGE" },
          body: {
            text: "Hello {{first_name}}, {{discount}} off today.",
            examples: { first_name: "Ana", discount: "20%" },
          },
        },
      },
    });
    const [call] = sim.state.requests.slice(since).filter((r) => r.method === "POST");
    expect((call?.body as { components: unknown[] }).components).toEqual([
      { type: "HEADER", format: "IMAGE" },
      {
        type: "BODY",
        text: "Hello {{first_name}}, {{discount}} off today.",
        example: {
          body_text_named_params: [
            { param_name: "first_name", example: "Ana" },
            { param_name: "discount", example: "20%" },
          ],
        },
      },
    ]);
  });

  const invalid: [string, (input: CreateTemplateInput) => CreateTemplateInput, string][] = [
    ["an upper-case name", (i) => ({ ...i, name: "Order Ready" }), "name"],
    [
      "a body that starts with a variable",
      (i) => body(i, "{{1}}, your order {{2}} is ready."),
      "components.body.text",
    ],
    [
      "a body that ends with a variable",
      (i) => body(i, "Hi {{1}}, your order is {{2}}"),
      "components.body.text",
    ],
    [
      "a variable without an example",
      (i) => ({
        ...i,
        components: { ...i.components, body: { text: "Hi {{1}}, order {{2}} ok.", examples: { "1": "A" } } },
      }),
      "components.body.examples.2",
    ],
    ["a gap in the numbering", (i) => body(i, "Hi {{1}}, order {{3}} ok."), "components.body.text"],
    [
      "a footer with a variable",
      (i) => ({ ...i, components: { ...i.components, footer: { text: "Bye {{1}}" } } }),
      "components.footer.text",
    ],
    [
      "a header over 60 characters",
      (i) => ({ ...i, components: { ...i.components, header: { format: "TEXT", text: "x".repeat(61) } } }),
      "components.header.text",
    ],
    ["a body over 1024 characters", (i) => body(i, `Hi ${"x".repeat(1030)} there`), "components.body.text"],
    [
      "quick replies split by another button",
      (i) =>
        buttons(i, [
          { type: "QUICK_REPLY", text: "A" },
          { type: "URL", text: "Site", url: "https://shop.example" },
          { type: "QUICK_REPLY", text: "B" },
        ]),
      "components.buttons",
    ],
    [
      "a URL variable that is not at the end",
      (i) => buttons(i, [{ type: "URL", text: "Go", url: "https://shop.example/{{1}}/track", example: "x" }]),
      "components.buttons.0.url",
    ],
    [
      "button text over 25 characters",
      (i) => buttons(i, [{ type: "QUICK_REPLY", text: "y".repeat(26) }]),
      "components.buttons.0.text",
    ],
    [
      "three URL buttons",
      (i) =>
        buttons(
          i,
          [1, 2, 3].map((n) => ({ type: "URL" as const, text: `L${n}`, url: `https://shop.example/${n}` })),
        ),
      "components.buttons",
    ],
    [
      "eleven buttons",
      (i) =>
        buttons(
          i,
          Array.from({ length: 11 }, (_, n) => ({ type: "QUICK_REPLY" as const, text: `Q${n}` })),
        ),
      "components.buttons",
    ],
    [
      "a positional variable in a NAMED template",
      (i) => ({ ...i, parameter_format: "NAMED" }),
      "components.header.text",
    ],
    ["an unknown category", (i) => ({ ...i, category: "PROMO" as "UTILITY" }), "category"],
  ];

  it.each(invalid)(
    "refuses %s with a ValidationError naming the field, and calls nobody",
    async (_what, change, field) => {
      const since = sim.state.requests.length;
      const error = await createTemplate({ ctx: admin, input: change(valid) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      const details = (error as ValidationError).details as { field: string; issues: { field: string }[] };
      expect(details.issues.map((i) => i.field)).toContain(field);
      expect((error as ValidationError).message).toContain(details.field);
      expect(sim.state.requests.slice(since)).toHaveLength(0);
    },
  );

  it("does not let an agent create a template", async () => {
    const since = sim.state.requests.length;
    await expect(createTemplate({ ctx: agent, input: valid })).rejects.toBeInstanceOf(ForbiddenError);
    const supervisor = {
      actor: { ...(agent.actor as Actor & { type: "user" }), role: "supervisor" as const },
    };
    await expect(createTemplate({ ctx: supervisor, input: valid })).rejects.toBeInstanceOf(ForbiddenError);
    expect(sim.state.requests.slice(since)).toHaveLength(0);
  });

  it("needs waba_id when several WABAs are connected", async () => {
    const error = await createTemplate({ ctx: admin, input: { ...valid, waba_id: undefined } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toMatchObject({ field: "waba_id" });
  });
});

describe("REST routes", () => {
  const post = (cookie: string, body: unknown) =>
    postTemplatesRoute(
      new NextRequest("http://localhost/api/v1/templates", {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({}) },
    );

  it("answers 422 with every bad field, 403 to agents, 201 with the row to admins", async () => {
    const adminCookie = await cookieForNewUser("admin");
    const bad = await post(adminCookie, {
      waba_id: WABA,
      name: "Bad Name",
      language: "en_US",
      category: "UTILITY",
      components: { body: { text: "{{1}} starts here" }, footer: { text: "x".repeat(61) } },
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as {
      error: { code: string; field: string; issues: { field: string }[] };
    };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.field).toBe("name");
    expect(body.error.issues.map((i) => i.field)).toEqual(
      expect.arrayContaining([
        "name",
        "components.body.text",
        "components.body.examples.1",
        "components.footer.text",
      ]),
    );

    const agentCookie = await cookieForNewUser("agent");
    const forbidden = await post(agentCookie, { waba_id: WABA, name: "x" });
    expect(forbidden.status).toBe(403);

    const ok = await post(adminCookie, {
      waba_id: WABA,
      name: "route_created",
      language: "en_US",
      category: "UTILITY",
      components: { body: { text: "Thanks for your order." } },
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ name: "route_created", status: "PENDING" });

    const list = await getTemplatesRoute(
      new NextRequest(`http://localhost/api/v1/templates?waba_id=${WABA}&status=PENDING`, {
        headers: { cookie: agentCookie },
      }),
      { params: Promise.resolve({}) },
    );
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: TemplateDto[] }).data.map((t) => t.name)).toEqual([
      "route_created",
    ]);
  });
});

async function simApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}/sim/api${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sim ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function simTemplate(name: string) {
  return (await simApi("POST", "/templates", { wabaId: WABA, name })) as { id: string };
}

function graphRequests(method: string, pathEnd: string) {
  return sim.state.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd));
}

async function statusOf(templateId: string) {
  const [row] = await getDb().select().from(templates).where(eq(templates.templateId, templateId));
  return row?.status;
}

async function syncAudits() {
  return (await getDb().select().from(auditLog).where(eq(auditLog.action, "templates.synced"))).length;
}

function body(input: CreateTemplateInput, text: string): CreateTemplateInput {
  return {
    ...input,
    components: { ...input.components, body: { text, examples: { "1": "A", "2": "B", "3": "C" } } },
  };
}

function buttons(
  input: CreateTemplateInput,
  list: NonNullable<CreateTemplateInput["components"]["buttons"]>,
) {
  return { ...input, components: { ...input.components, buttons: list } };
}

describe("syncing every account", () => {
  // Last in the file: the unknown account it adds would fail other tests' all-account syncs.
  it("still syncs the others when Meta refuses one account, and names it", async () => {
    await addNumber({
      ctx: system,
      input: {
        wabaId: "599999999999999",
        phoneNumberId: "159999999999999",
        displayNumber: "+1 555 019 9999",
      },
    });
    const result = await syncTemplates({ ctx: admin, input: {} });
    expect(result.wabas.map((w) => w.waba_id)).toEqual([WABA, OTHER_WABA]);
    expect(result.failed).toEqual([{ waba_id: "599999999999999", error: expect.any(String) }]);
    // Asked for that account alone, its error is the answer.
    await expect(syncTemplates({ ctx: admin, input: { wabaId: "599999999999999" } })).rejects.toThrow();
  });
});
