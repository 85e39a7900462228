import { Forbidden } from "@/components/admin/people/shared";
import { TeamsPanel } from "@/components/admin/people/teams-panel";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

// teams:manage edits every team; team managers (teams:roster) see only the rosters they manage.
export default async function TeamsPage() {
  const actor = await currentActor();
  if (!actor || (!can(actor, "teams:manage") && !can(actor, "teams:roster")))
    return <Forbidden what="manage teams" />;
  return <TeamsPanel canManage={can(actor, "teams:manage")} />;
}
