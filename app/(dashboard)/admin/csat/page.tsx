import { CsatPanel } from "@/components/admin/csat/csat-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function CsatPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "settings:manage"))
    return <Forbidden what="change the CSAT survey" />;
  return <CsatPanel />;
}
