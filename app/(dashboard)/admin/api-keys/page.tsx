import { ApiKeysPanel } from "@/components/admin/people/api-keys-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ApiKeysPage() {
  const actor = await currentActor();
  if (!actor || !can(actor, "api-keys:manage")) return <Forbidden what="manage API keys" />;
  return <ApiKeysPanel />;
}
