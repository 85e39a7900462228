import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { RoutingPanel } from "@/components/admin/routing/routing-panel";

export const dynamic = "force-dynamic";

export default async function RoutingPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Admins configure everything here; team managers only their members' capacity (the API enforces it too).
  const canManage = can(actor, "teams:manage");
  if (!canManage && !can(actor, "teams:roster")) notFound();
  return <RoutingPanel canManage={canManage} />;
}
