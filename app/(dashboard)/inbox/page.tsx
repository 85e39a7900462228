import { redirect } from "next/navigation";
import { Inbox } from "@/components/inbox/inbox";
import { auth } from "@/lib/auth/config";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export default async function InboxPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user") redirect("/sign-in");
  const session = await auth();
  // What the UI needs to hide what this person cannot do; the API still checks every action.
  const viewer = {
    id: actor.id,
    name: session?.user?.name ?? "",
    role: actor.role,
    teamIds: actor.teamIds,
    canAssign: can(actor, "conversations:assign"),
  };
  return <Inbox viewer={viewer} />;
}
