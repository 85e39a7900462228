import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { GET as getRoute, PUT as putRoute } from "@/app/api/v1/csat/settings/route";
import { getDb } from "@/lib/db/client";
import { getSetting } from "@/lib/settings";
import { useTestDatabase } from "@/tests/int/db";
import { cookieForNewUser } from "@/tests/int/session-cookie";
import type { CsatSettingsDto } from "./schemas";

useTestDatabase();

const request = (method: string, cookie: string, body?: unknown) =>
  new NextRequest("http://localhost/api/v1/csat/settings", {
    method,
    headers: { cookie, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const get = (cookie: string) => getRoute(request("GET", cookie), { params: Promise.resolve({}) });
const put = (cookie: string, body: unknown) =>
  putRoute(request("PUT", cookie, body), { params: Promise.resolve({}) });

async function template(status: string, quickReplies: number) {
  const [row] = await getDb().execute<{ id: string }>(sql`
    insert into templates (waba_id, template_id, name, language, status, category, components)
    values ('4000000000099', ${String(crypto.randomInt(10 ** 9))}, ${`csat_${status.toLowerCase()}_${quickReplies}`},
      'en', ${status}, 'UTILITY', ${JSON.stringify([
        { type: "BODY", text: "How did we do?" },
        ...(quickReplies
          ? [
              {
                type: "BUTTONS",
                buttons: ["Great", "OK", "Poor"]
                  .slice(0, quickReplies)
                  .map((text) => ({ type: "QUICK_REPLY", text })),
              },
            ]
          : []),
      ])}::jsonb)
    returning id`);
  return row!.id;
}

describe("CSAT settings", () => {
  it("admins switch it on, edit the question, labels and template (audited); 403 and 422 change nothing", async () => {
    const admin = await cookieForNewUser("admin");
    const supervisor = await cookieForNewUser("supervisor");
    const approved = await template("APPROVED", 3);
    const pending = await template("PENDING", 3);
    const noButtons = await template("APPROVED", 0);

    const before = (await (await get(admin)).json()) as CsatSettingsDto;
    expect(before).toMatchObject({
      enabled: false,
      question: "How did we do?",
      button_labels: ["Great", "OK", "Poor"],
      template_id: null,
    });
    // Only approved templates are offered, each with its quick-reply count.
    const offered = Object.fromEntries(before.templates.map((t) => [t.id, t.quick_replies]));
    expect(offered).toEqual({ [approved]: 3, [noButtons]: 0 });

    const next = {
      enabled: true,
      question: "Were we helpful today?",
      button_labels: ["Very", "Somewhat", "Not really"],
      template_id: approved,
    };
    expect((await get(supervisor)).status).toBe(403);
    expect((await put(supervisor, next)).status).toBe(403);

    const rejected: [unknown, string][] = [
      [{ ...next, question: " " }, "question"],
      [{ ...next, button_labels: ["Very", "Somewhat", "x".repeat(21)] }, "button_labels.2"],
      [{ ...next, template_id: pending }, "template_id"],
      [{ ...next, template_id: noButtons }, "template_id"],
      [{ ...next, template_id: crypto.randomUUID() }, "template_id"],
      [{ ...next, surprise: 1 }, "surprise"],
    ];
    for (const [body, field] of rejected) {
      const res = await put(admin, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    const audits = async () =>
      getDb().execute<{ entity_id: string; data: { from: unknown; to: unknown } }>(sql`
        select entity_id, data from audit_log where action = 'settings.changed' and entity_id like 'csat.%'
        order by id`);
    expect(await audits()).toHaveLength(0);
    expect(await getSetting(getDb(), "csat.enabled")).toBe(false);

    const saved = await put(admin, next);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject(next);
    expect(await get(admin).then((r) => r.json())).toMatchObject(next);
    expect(await getSetting(getDb(), "csat.button_labels")).toEqual(["Very", "Somewhat", "Not really"]);
    const written = await audits();
    expect(written.map((a) => a.entity_id).sort()).toEqual(
      ["csat.button_labels", "csat.enabled", "csat.question", "csat.template_id"].sort(),
    );
    expect(written.find((a) => a.entity_id === "csat.question")!.data).toMatchObject({
      from: "How did we do?",
      to: "Were we helpful today?",
    });

    // Saving again with one change audits that change only; the template can be cleared.
    expect((await put(admin, { ...next, template_id: null })).status).toBe(200);
    const after = await audits();
    expect(after).toHaveLength(5);
    expect(after[4]).toMatchObject({ entity_id: "csat.template_id", data: { from: approved, to: null } });
  });
});
