import { sql } from "drizzle-orm";
import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { describeSendError } from "@/lib/whatsapp/send-errors";
import { estimateCost, type PricedCategory } from "./pricing";
import { selectCampaignOrThrow, selectProgress } from "./queries";
import type { CampaignReport } from "./schemas";

/** After (or during) a campaign: outcome counts and rates, failures by Meta error code, per country. */
export async function getCampaignReport({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: string };
}): Promise<CampaignReport> {
  assertCan(ctx.actor, "campaigns:manage");
  const db = dbOf(ctx);
  const campaign = await selectCampaignOrThrow(db, input.id);
  const progress = (await selectProgress(db, [campaign.id])).get(campaign.id)!;
  const failures = await db.execute<{ code: string; n: number }>(sql`
    select coalesce(m.error->>'code', r.error->>'code', 'unknown') as code, count(*)::int as n
    from campaign_recipients r left join messages m on m.id = r.message_id
    where r.campaign_id = ${campaign.id} and (m.status = 'failed' or (r.message_id is null and r.state = 'failed'))
    group by 1 order by 2 desc`);
  const countries = await db.execute<{
    country: string | null;
    recipients: number;
    delivered: number;
    failed: number;
    window_open: number;
  }>(sql`
    select r.country, count(*)::int as recipients,
           count(*) filter (where m.status in ('delivered', 'read', 'played'))::int as delivered,
           count(*) filter (where m.status = 'failed' or (r.message_id is null and r.state = 'failed'))::int as failed,
           count(*) filter (where c.window_expires_at > coalesce(m.timestamp, now()))::int as window_open
    from campaign_recipients r
    left join messages m on m.id = r.message_id
    left join conversations c on c.id = r.conversation_id
    where r.campaign_id = ${campaign.id} and r.state <> 'skipped'
    group by 1 order by 2 desc`);
  const [billable] = await db.execute<{ n: number }>(sql`
    select count(distinct m.id)::int as n
    from campaign_recipients r join messages m on m.id = r.message_id
    join message_statuses s on s.wamid = m.wamid
    where r.campaign_id = ${campaign.id} and (s.pricing->>'billable')::boolean is true`);

  const attempted = progress.total - progress.pending - progress.skipped;
  const share = (n: number) => (attempted > 0 ? Math.round((n / attempted) * 1000) / 1000 : 0);
  const read = progress.read + progress.replied;
  const category = (campaign.template_category ?? "UTILITY").toUpperCase();
  return {
    campaign_id: campaign.id,
    state: campaign.state,
    progress,
    attempted,
    rates: {
      delivered: share(progress.delivered + read),
      read: share(read),
      replied: share(progress.replied),
      failed: share(progress.failed),
    },
    failures: failures.map((f) => {
      const info = describeSendError(/^\d+$/.test(f.code) ? Number(f.code) : null);
      return /^\d+$/.test(f.code)
        ? { code: f.code, title: info.title, hint: info.hint, count: f.n }
        : { code: f.code, title: "Refused before sending", hint: "See the recipient's error.", count: f.n };
    }),
    by_country: countries.map((c) => ({
      country: c.country ?? "unknown",
      recipients: c.recipients,
      delivered: c.delivered,
      failed: c.failed,
    })),
    billable_reported: billable?.n ?? 0,
    // What the attempted recipients would cost, by the same rate table as before sending.
    estimate: estimateCost(
      (["MARKETING", "AUTHENTICATION"].includes(category) ? category : "UTILITY") as PricedCategory,
      countries.flatMap((c) => [
        { country: c.country, windowOpen: true, count: c.window_open },
        { country: c.country, windowOpen: false, count: c.recipients - c.window_open },
      ]),
    ),
  };
}
