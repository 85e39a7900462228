import { redirect } from "next/navigation";
import { ReportsPanel } from "@/components/reports/reports-panel";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export default async function ReportsPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // The same permission as the reports API.
  if (!can(actor, "conversations:assign"))
    return <p className="p-6 text-sm text-slate-600">Reports are for supervisors and admins.</p>;
  return <ReportsPanel />;
}
