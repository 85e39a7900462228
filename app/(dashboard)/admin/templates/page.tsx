import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { TemplatesPanel } from "@/components/admin/templates-panel";

export default async function TemplatesPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // Everyone may read templates; only admins see Sync and Create (the API enforces it too).
  return <TemplatesPanel canManage={can(actor, "templates:manage")} />;
}
