import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { SlaPanel } from "@/components/admin/sla/sla-panel";

export const dynamic = "force-dynamic";

export default async function SlaPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Workspace policy: admins only (the API enforces it too).
  if (!can(actor, "settings:manage")) notFound();
  return <SlaPanel />;
}
