import type { CampaignEstimate } from "@/lib/campaigns/schemas";
import { money, skipReasonLabel } from "./labels";

/** Who the campaign reaches, who it skips and why, and the estimated cost, clearly marked as an estimate. */
export function EstimateCard({
  estimate,
  loading,
}: {
  estimate: CampaignEstimate | undefined;
  loading?: boolean;
}) {
  if (!estimate)
    return (
      <p className="text-sm text-slate-500">{loading ? "Estimating…" : "Pick a number and a template."}</p>
    );
  const { cost } = estimate;
  const reasons = Object.entries(estimate.skipped_by_reason);
  return (
    <div data-testid="estimate" className={`space-y-3 text-sm ${loading ? "opacity-60" : ""}`}>
      <div className="flex flex-wrap gap-6">
        <div>
          <p className="text-xs text-slate-500">Recipients</p>
          <p data-testid="estimate-recipients" className="text-xl font-semibold">
            {estimate.recipients}
          </p>
        </div>
        <div>
          <p className="text-xs text-slate-500">Skipped</p>
          <p data-testid="estimate-skipped" className="text-xl font-semibold">
            {estimate.skipped}
          </p>
        </div>
        <div>
          <p className="text-xs text-slate-500">Estimated cost</p>
          <p data-testid="estimate-total" className="text-xl font-semibold">
            {money(cost.total, cost.currency)}
          </p>
        </div>
      </div>
      {reasons.length > 0 && (
        <ul data-testid="estimate-skip-reasons" className="text-xs text-slate-600">
          {reasons.map(([reason, n]) => (
            <li key={reason}>
              {n} skipped: {skipReasonLabel[reason] ?? reason}
            </li>
          ))}
        </ul>
      )}
      {cost.by_country.length > 0 && (
        <table className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 font-normal">Country</th>
              <th className="py-1 font-normal">Recipients</th>
              <th className="py-1 font-normal">Charged</th>
              <th className="py-1 font-normal">Rate</th>
              <th className="py-1 text-right font-normal">Cost</th>
            </tr>
          </thead>
          <tbody>
            {cost.by_country.map((row) => (
              <tr
                key={row.country}
                data-testid="estimate-country"
                data-country={row.country}
                className="border-t border-slate-100"
              >
                <td className="py-1">{row.name}</td>
                <td className="py-1">{row.recipients}</td>
                <td className="py-1">{row.billable}</td>
                <td className="py-1">{money(row.rate, cost.currency)}</td>
                <td className="py-1 text-right">{money(row.cost, cost.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div data-testid="estimate-note" className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
        <p className="font-medium">
          Estimate only · {cost.category.toLowerCase()} rates as of {cost.rates_as_of}
        </p>
        {cost.notes.map((note) => (
          <p key={note}>{note}</p>
        ))}
      </div>
    </div>
  );
}
