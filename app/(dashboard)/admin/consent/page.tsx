import { ConsentPanel } from "@/components/admin/consent/consent-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ConsentPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "campaigns:manage"))
    return <Forbidden what="manage consent keywords" />;
  return <ConsentPanel />;
}
