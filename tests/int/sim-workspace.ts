import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";
import { systemActor, type Actor } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { setRuntimeEnv } from "@/lib/env.js";
import { deliverMessage, type DeliverOutcome } from "@/lib/messaging";
import { addNumber } from "@/lib/numbers";
import { startSimulator, type Simulator } from "@/lib/simulator/server";
import type { StatusStep } from "@/lib/simulator/engine";
import { createTeam } from "@/lib/teams";
import { syncTemplates } from "@/lib/templates";
import { createUser } from "@/lib/users";
import { TEST_APP_SECRET } from "./db";
import { startWebhookBridge } from "./webhook-bridge";

export const system = { actor: systemActor("test") };

/**
 * A WABA with two numbers on the simulator (its demo templates synced), a team, a supervisor and an agent,
 * and the app's receive path: what campaign and consent integration tests build on. Call at module level
 * after useTestDatabase().
 */
export function useSimWorkspace(prefix: string) {
  const ws = {
    sim: undefined as unknown as Simulator,
    bridge: undefined as unknown as Awaited<ReturnType<typeof startWebhookBridge>>,
    numberA: {
      wabaId: `4${prefix}00000000001`,
      phoneNumberId: `1${prefix}00000000001`,
      displayNumber: `1555${prefix}0001`,
    },
    numberB: {
      wabaId: `4${prefix}00000000001`,
      phoneNumberId: `1${prefix}00000000002`,
      displayNumber: `1555${prefix}0002`,
    },
    ids: { A: "", B: "" },
    teamId: "",
    otherTeamId: "",
    supervisor: undefined as unknown as Actor,
    agent: undefined as unknown as Actor,
    phoneSeq: 0,
  };

  beforeAll(async () => {
    ws.bridge = await startWebhookBridge();
    ws.sim = await startSimulator({
      port: 0,
      appWebhookUrl: ws.bridge.url,
      appSecret: TEST_APP_SECRET,
      accessToken: "simulator-token",
      numbers: [
        { ...ws.numberA, coexistence: true },
        { ...ws.numberB, coexistence: false },
      ],
      config: { statusStepMs: 20 },
      log: () => {},
    });
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `tandem-${prefix}-`));
    setRuntimeEnv({ GRAPH_API_BASE: ws.sim.url, DATA_DIR: dataDir });
    const team = await createTeam({ ctx: system, input: { name: `Team ${prefix}` } });
    const other = await createTeam({ ctx: system, input: { name: `Other ${prefix}` } });
    ws.teamId = team.id;
    ws.otherTeamId = other.id;
    for (const [key, n] of [
      ["A", ws.numberA],
      ["B", ws.numberB],
    ] as const) {
      const row = await addNumber({
        ctx: system,
        input: { ...n, coexistence: key === "A", defaultTeamId: team.id },
      });
      ws.ids[key] = row.id;
    }
    await syncTemplates({ ctx: system, input: {} });
    const sup = await createUser({
      ctx: system,
      input: {
        email: `sup-${prefix}@example.com`,
        name: "Sue Supervisor",
        role: "supervisor",
        password: "correct horse battery",
        teamIds: [team.id],
      },
    });
    ws.supervisor = { type: "user", id: sup.id, role: "supervisor", teamIds: [team.id] };
    const agent = await createUser({
      ctx: system,
      input: {
        email: `agent-${prefix}@example.com`,
        name: "Al Agent",
        role: "agent",
        password: "correct horse battery",
        teamIds: [other.id],
      },
    });
    ws.agent = { type: "user", id: agent.id, role: "agent", teamIds: [other.id] };
  });

  afterAll(async () => {
    await ws.sim?.stop();
    await ws.bridge?.stop();
  });

  /** A customer writes to a number (opening the window, unless backdated) and we have their contact. */
  async function customer(
    options: {
      number?: "A" | "B";
      name?: string;
      phone?: string;
      ageMs?: number;
      statusPlan?: StatusStep[];
      text?: string;
    } = {},
  ) {
    const number = options.number === "B" ? ws.numberB : ws.numberA;
    const phone = options.phone ?? `4477${prefix}${String(100000 + ws.phoneSeq++).slice(-6)}`;
    const simCustomer = ws.sim.state.addCustomer({
      name: options.name ?? `Customer ${phone}`,
      phone,
      ...(options.statusPlan ? { statusPlan: options.statusPlan } : {}),
    });
    ws.sim.state.customerSend(simCustomer.id, {
      type: "text",
      text: options.text ?? "Hello?",
      numberId: number.phoneNumberId,
      ...(options.ageMs ? { ageMs: options.ageMs } : {}),
    });
    const row = await waitFor(async () => {
      const [found] = await getDb().execute<{ contact_id: string; conversation_id: string }>(sql`
        select ct.id as contact_id, c.id as conversation_id from contacts ct
        join conversations c on c.contact_id = ct.id
        join phone_numbers n on n.id = c.phone_number_id and n.phone_number_id = ${number.phoneNumberId}
        where ct.phone = ${phone}`);
      return found;
    });
    return { contactId: row.contact_id, conversationId: row.conversation_id, simId: simCustomer.id, phone };
  }

  async function templateId(name: string): Promise<string> {
    const [row] = await getDb().execute<{ id: string }>(
      sql`select id from templates where name = ${name} and waba_id = ${ws.numberA.wabaId}`,
    );
    if (!row) throw new Error(`template ${name} not synced`);
    return row.id;
  }

  /** Runs the send worker over everything that is due, like the queue's workers would. */
  async function drain(): Promise<DeliverOutcome[]> {
    const outcomes: DeliverOutcome[] = [];
    for (;;) {
      const [row] = await getDb().execute<{ message_id: string }>(sql`
        select message_id from outbound_sends where state = 'queued' and next_attempt_at <= now()
        order by next_attempt_at limit 1`);
      if (!row) break;
      outcomes.push(await deliverMessage({ ctx: system, input: { messageId: row.message_id } }));
    }
    await settle();
    return outcomes;
  }

  /** Waits until the simulator has delivered every webhook (statuses included) and the app applied them. */
  async function settle() {
    await ws.sim.state.delivery.idle();
    await ws.bridge.idle(30);
  }

  const sendsFor = (key: string) => ws.sim.state.sendsByIdempotencyKey.get(key) ?? 0;

  return { ws, customer, templateId, drain, settle, sendsFor };
}

/** Polls until `check` returns something truthy (webhooks arrive asynchronously), for at most 5 s. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
