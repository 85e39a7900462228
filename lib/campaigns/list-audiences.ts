import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import type { CampaignAudiences } from "./schemas";

/** What the wizard offers as segments for a number: everyone on it, each team's and each label's share. */
export async function listCampaignAudiences({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { numberId: string };
}): Promise<CampaignAudiences> {
  assertCan(ctx.actor, "campaigns:manage");
  if (!/^[0-9a-f-]{36}$/i.test(input.numberId))
    throw new ValidationError("number_id must be a number's id", { field: "number_id" });
  const db = dbOf(ctx);
  const [total] = await db.execute<{ n: number }>(
    sql`select count(distinct contact_id)::int as n from conversations where phone_number_id = ${input.numberId}`,
  );
  const teams = await db.execute<{ id: string; name: string; contacts: number }>(sql`
    select t.id, t.name, count(distinct c.contact_id)::int as contacts
    from teams t left join conversations c on c.team_id = t.id and c.phone_number_id = ${input.numberId}
    group by t.id, t.name order by t.name`);
  const labels = await db.execute<{ id: string; name: string; color: string; contacts: number }>(sql`
    select l.id, l.name, l.color, count(distinct c.contact_id)::int as contacts
    from labels l
    left join conversation_labels cl on cl.label_id = l.id
    left join conversations c on c.id = cl.conversation_id and c.phone_number_id = ${input.numberId}
    group by l.id, l.name, l.color order by l.name`);
  return { number_id: input.numberId, contacts: total?.n ?? 0, teams: [...teams], labels: [...labels] };
}
