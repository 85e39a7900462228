import crypto from "node:crypto";
import { count } from "drizzle-orm";
import { systemActor } from "@/lib/auth/actor";
import { applyWebhookEvent, storeWebhookEvent } from "@/lib/ingest";
import { addNumber } from "@/lib/numbers";
import { createTeam } from "@/lib/teams";
import { createUser } from "@/lib/users";
import { getDb } from "./client";
import { users } from "./schema";

export const DEMO_NUMBER = {
  wabaId: "200000000000001",
  phoneNumberId: "100000000000001",
  displayNumber: "+1 555 010 0001",
  coexistence: true,
} as const;

export type DemoLogin = { email: string; role: string; password: string; team: string };

/** Seeds the demo workspace once (only into an empty database). Returns the logins, or null if not seeded. */
export async function seedDemo(): Promise<DemoLogin[] | null> {
  const [existing] = await getDb().select({ n: count() }).from(users);
  if ((existing?.n ?? 0) > 0) return null;
  const ctx = { actor: systemActor("seed") };
  const support = await createTeam({ ctx, input: { name: "Support" } });
  const sales = await createTeam({ ctx, input: { name: "Sales" } });
  const people = [
    { email: "admin@tandem.example", name: "Ada Admin", role: "admin", teamIds: [], team: "—" },
    {
      email: "supervisor@tandem.example",
      name: "Sam Supervisor",
      role: "supervisor",
      teamIds: [support.id, sales.id],
      team: "Support, Sales",
    },
    {
      email: "agent1@tandem.example",
      name: "Alex Agent",
      role: "agent",
      teamIds: [support.id],
      team: "Support",
    },
    { email: "agent2@tandem.example", name: "Bea Agent", role: "agent", teamIds: [sales.id], team: "Sales" },
  ] as const;
  const logins: DemoLogin[] = [];
  for (const person of people) {
    const password = crypto.randomBytes(12).toString("base64url");
    await createUser({ ctx, input: { ...person, teamIds: [...person.teamIds], password } });
    logins.push({ email: person.email, role: person.role, password, team: person.team });
  }
  await addNumber({ ctx, input: { ...DEMO_NUMBER, defaultTeamId: support.id } });
  await seedConversations();
  return logins;
}

const customers = [
  {
    name: "Maria Lopez",
    phone: "14155550101",
    bsuid: "US.13491208655302741918",
    text: "Hi! Is my order #4821 on its way?",
  },
  {
    name: "Tom Becker",
    phone: "4915112345678",
    bsuid: "DE.88123400991200341",
    text: "Can I change my delivery address?",
  },
  {
    name: "Priya N",
    phone: undefined,
    bsuid: "IN.55120938475610293",
    username: "priya.n",
    text: "Do you ship to Bangalore?",
  },
  {
    name: "Kenji",
    phone: "819012345678",
    bsuid: "JP.70012938475610001",
    text: "The blue one is out of stock?",
  },
  {
    name: "Lea",
    phone: "33612345678",
    bsuid: "FR.41129384756100222",
    text: "Merci pour la livraison rapide 🙏",
  },
] as const;

/** Demo conversations go through the real ingest path, so the demo shows exactly what a webhook produces. */
async function seedConversations() {
  const now = Math.floor(Date.now() / 1000);
  for (const [i, c] of customers.entries()) {
    const body = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: DEMO_NUMBER.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550100001", phone_number_id: DEMO_NUMBER.phoneNumberId },
                contacts: [
                  {
                    profile: { name: c.name, ...("username" in c ? { username: c.username } : {}) },
                    ...(c.phone ? { wa_id: c.phone } : {}),
                    user_id: c.bsuid,
                  },
                ],
                messages: [
                  {
                    ...(c.phone ? { from: c.phone } : {}),
                    from_user_id: c.bsuid,
                    id: `wamid.seed${i}${crypto.randomBytes(8).toString("hex")}`,
                    timestamp: String(now - (customers.length - i) * 600),
                    type: "text",
                    text: { body: c.text },
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    const eventId = await storeWebhookEvent(Buffer.from(JSON.stringify(body)));
    await applyWebhookEvent({ ctx: { actor: systemActor("seed") }, input: { eventId } });
  }
}
