import { Forbidden } from "@/components/admin/people/shared";
import { UsersPanel } from "@/components/admin/people/users-panel";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user" || !can(actor, "users:manage"))
    return <Forbidden what="manage people" />;
  return <UsersPanel currentUserId={actor.id} />;
}
