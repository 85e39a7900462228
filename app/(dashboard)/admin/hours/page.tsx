import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { HoursPanel } from "@/components/admin/hours/hours-panel";

export const dynamic = "force-dynamic";

export default async function BusinessHoursPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Workspace policy: admins only (the API enforces it too).
  if (!can(actor, "settings:manage")) notFound();
  return <HoursPanel />;
}
