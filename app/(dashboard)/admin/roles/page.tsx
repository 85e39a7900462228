import { RolesPanel } from "@/components/admin/people/roles-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function RolesPage() {
  const actor = await currentActor();
  if (!actor || !can(actor, "roles:manage")) return <Forbidden what="manage roles" />;
  return <RolesPanel />;
}
