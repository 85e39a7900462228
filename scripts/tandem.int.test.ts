import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "@/lib/db/client";
import { messages } from "@/lib/db/schema";
import { storeWebhookEvent } from "@/lib/ingest";
import { useTestDatabase } from "@/tests/int/db";

const root = path.resolve(import.meta.dirname, "..");
const db = useTestDatabase();

function tandem(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/tandem.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url },
    encoding: "utf8",
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run tandem", () => {
  it("creates a user and prints a generated password once", () => {
    const created = tandem(
      "users:create",
      "--email",
      "Nia@Example.com",
      "--name",
      "Nia",
      "--role",
      "supervisor",
    );
    expect(created.err).toBe("");
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/Created supervisor nia@example\.com/);
    expect(created.out).toMatch(/Password \(shown once\): \S{16,}/);
    const again = tandem(
      "users:create",
      "--email",
      "nia@example.com",
      "--name",
      "Nia",
      "--role",
      "agent",
      "--password",
      "long-enough-password",
    );
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
  });

  it("names the bad option in one line", () => {
    const bad = tandem(
      "users:create",
      "--email",
      "x@example.com",
      "--name",
      "X",
      "--role",
      "boss",
      "--password",
      "long-enough-password",
    );
    expect(bad.code).toBe(1);
    expect(bad.err.trim()).toBe("Error: --role must be one of admin, supervisor, agent");
    const short = tandem(
      "users:create",
      "--email",
      "y@example.com",
      "--name",
      "Y",
      "--role",
      "agent",
      "--password",
      "short",
    );
    expect(short.err.trim()).toBe("Error: --password must be at least 12 characters");
    expect(tandem("nope").code).toBe(1);
  });

  it("adds a number, once", () => {
    const added = tandem(
      "numbers:add",
      "--waba-id",
      "123",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1 555 0456",
      "--coexistence",
    );
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/Added \+1 555 0456 \(phone number id 456, Coexistence\)/);
    const dup = tandem(
      "numbers:add",
      "--waba-id",
      "123",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1 555 0456",
    );
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already connected/);
    const bad = tandem(
      "numbers:add",
      "--waba-id",
      "abc",
      "--phone-number-id",
      "456",
      "--display-number",
      "+1",
    );
    expect(bad.err.trim()).toBe("Error: --waba-id must be Meta's numeric WABA id");
  });
});

describe("npm run tandem -- ingest:replay", () => {
  it("re-applies stored webhooks in a range, idempotently", async () => {
    expect(
      tandem("numbers:add", "--waba-id", "777", "--phone-number-id", "778", "--display-number", "+1 555 0778")
        .code,
    ).toBe(0);
    const body = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "777",
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: "778" },
                contacts: [{ wa_id: "15550001", user_id: "US.778" }],
                messages: [
                  {
                    from: "15550001",
                    from_user_id: "US.778",
                    id: "wamid.replay1",
                    timestamp: "1790000000",
                    type: "text",
                    text: { body: "stored, never applied" },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    await storeWebhookEvent(Buffer.from(JSON.stringify(body)));
    const first = tandem("ingest:replay", "--since", "1h");
    expect(first.err).toBe("");
    expect(first.out).toMatch(/Replayed 1 stored webhooks since .*; 0 failed\./);
    const again = tandem("ingest:replay");
    expect(again.code).toBe(0);
    expect(await getDb().select().from(messages).where(eq(messages.wamid, "wamid.replay1"))).toHaveLength(1);
    expect(tandem("ingest:replay", "--since", "yesterday-ish").err.trim()).toBe(
      "Error: --since must be an ISO date or a duration like 2h",
    );
  });
});
