import { LabelsPanel } from "@/components/admin/labels/labels-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function LabelsPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "labels:manage"))
    return <Forbidden what="manage labels" />;
  return <LabelsPanel />;
}
