import { IntegrationsPanel } from "@/components/admin/integrations/integrations-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function IntegrationsPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "settings:manage"))
    return <Forbidden what="manage integrations" />;
  return <IntegrationsPanel showApiKeys={can(actor, "api-keys:manage")} />;
}
