import { AttributesPanel } from "@/components/admin/attributes/attributes-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function AttributesPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "contacts:manage"))
    return <Forbidden what="manage contact attributes" />;
  return <AttributesPanel />;
}
