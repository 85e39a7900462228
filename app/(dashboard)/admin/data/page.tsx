import { DataPanel } from "@/components/admin/data/data-panel";
import { Forbidden } from "@/components/admin/people/shared";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function DataPage() {
  const actor = await currentActor();
  if (!actor || actor.type !== "user") return <Forbidden what="manage data and retention" />;
  // Each section is gated by the permission its API checks; the page needs at least one of them.
  const sections = {
    retention: can(actor, "numbers:manage"),
    legalHold: can(actor, "settings:manage"),
    contacts: can(actor, "contacts:manage"),
  };
  if (!sections.retention && !sections.legalHold && !sections.contacts)
    return <Forbidden what="manage data and retention" />;
  return <DataPanel {...sections} />;
}
