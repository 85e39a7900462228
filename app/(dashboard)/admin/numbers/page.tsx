import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { NumbersPanel } from "@/components/admin/numbers-panel";

export const dynamic = "force-dynamic";

export default async function NumbersPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  if (!can(actor, "numbers:read")) notFound();
  // Readers see the numbers' health; only numbers:manage sees settings, connect and bots (the API enforces it).
  return <NumbersPanel canManage={can(actor, "numbers:manage")} />;
}
