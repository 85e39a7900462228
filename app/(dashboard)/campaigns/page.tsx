import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { CampaignsPanel } from "@/components/campaigns/campaigns-panel";

export default async function CampaignsPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Admins and supervisors run campaigns; the API refuses everyone else too.
  if (!can(actor, "campaigns:manage"))
    return <p className="p-6 text-sm text-slate-600">Campaigns are run by supervisors and admins.</p>;
  return <CampaignsPanel />;
}
