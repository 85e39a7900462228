import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { BotsPanel } from "@/components/admin/bots/bots-panel";

export const dynamic = "force-dynamic";

export default async function BotsPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Bots decide who answers a number's customers: admins only (the API enforces it too).
  if (!can(actor, "numbers:manage")) notFound();
  return <BotsPanel />;
}
