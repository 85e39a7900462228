import { CannedPanel } from "@/components/admin/canned/canned-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { auth } from "@/lib/auth/config";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function CannedResponsesPage() {
  const actor = await currentActor();
  // Everyone who replies keeps personal responses; shared ones need canned:manage (the API checks both).
  if (!actor || actor.type !== "user" || !can(actor, "conversations:reply"))
    return <Forbidden what="manage canned responses" />;
  const session = await auth();
  return (
    <CannedPanel
      canManageShared={can(actor, "canned:manage")}
      agentName={session?.user?.name ?? session?.user?.email ?? "you"}
    />
  );
}
