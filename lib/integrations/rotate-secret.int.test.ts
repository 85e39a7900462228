import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { open } from "@/lib/auth/secret-box";
import { getDb } from "@/lib/db/client";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import { useTestDatabase } from "@/tests/int/db";
import { system, useSimWorkspace } from "@/tests/int/sim-workspace";
import { createEndpoint, rotateEndpointSecret } from "./index";

useTestDatabase();
const { ws } = useSimWorkspace("94");

describe("webhook secret rotation", () => {
  it("replaces the signing secret, returns the new one once, and audits it", async () => {
    const { id, secret } = await createEndpoint({
      ctx: system,
      input: { name: "CRM", url: "https://example.com/hook", events: ["message.received"] },
    });
    await expect(
      rotateEndpointSecret({ ctx: { actor: ws.supervisor }, input: { id } }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      rotateEndpointSecret({ ctx: system, input: { id: "00000000-0000-4000-8000-000000000000" } }),
    ).rejects.toBeInstanceOf(NotFoundError);

    const rotated = await rotateEndpointSecret({ ctx: system, input: { id } });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    const [row] = await getDb().execute<{ secret: string }>(
      sql`select secret from webhook_endpoints where id = ${id}`,
    );
    // Stored sealed, never in the clear; the dispatcher signs with the new one.
    expect(row!.secret).not.toContain(rotated.secret);
    expect(open(row!.secret, "webhook-secret")).toBe(rotated.secret);
    const [audit] = await getDb().execute(
      sql`select 1 from audit_log where action = 'webhook_endpoint.secret_rotated' and entity_id = ${id}`,
    );
    expect(audit).toBeDefined();
  });
});
