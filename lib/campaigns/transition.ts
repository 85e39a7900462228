import { sql, type SQL } from "drizzle-orm";
import type { Actor } from "@/lib/auth/actor";
import { emitAudit } from "@/lib/audit/emit-audit";
import type { Tx } from "@/lib/db/client";
import type { CampaignState } from "./schemas";

/**
 * Moves a campaign from one of `from` to `to` in one guarded UPDATE (two clicks or two processes cannot
 * both win) and audits it. Returns false when the campaign was not in a state that allows it.
 */
export async function transition(
  tx: Tx,
  actor: Actor,
  input: {
    id: string;
    from: readonly CampaignState[];
    to: CampaignState;
    set?: SQL;
    /** An extra condition on the campaign row (alias k), e.g. that its scheduled time has come. */
    guard?: SQL;
    action: string;
    data?: Record<string, unknown>;
  },
): Promise<boolean> {
  const from = sql.join(
    input.from.map((state) => sql`${state}::campaign_state`),
    sql`, `,
  );
  const [row] = await tx.execute<{ previous: string }>(sql`
    with p as (select id, state as previous from campaigns where id = ${input.id} for update)
    update campaigns k set state = ${input.to}::campaign_state, updated_at = now()
      ${input.set ? sql`, ${input.set}` : sql``}
    from p
    where k.id = p.id and p.previous in (${from}) ${input.guard ? sql`and ${input.guard}` : sql``}
    returning p.previous`);
  if (!row) return false;
  await emitAudit(tx, actor, {
    action: input.action,
    entityType: "campaign",
    entityId: input.id,
    data: { from: row.previous, to: input.to, ...input.data },
  });
  return true;
}
