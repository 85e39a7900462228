import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { AuditLogPanel } from "@/components/admin/audit/audit-log-panel";

export const dynamic = "force-dynamic";

export default async function AuditPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  if (!can(actor, "audit:read")) notFound();
  // Export and "Verify chain" are admin-only (audit:export); the API enforces both too.
  const admin = can(actor, "audit:export");
  return <AuditLogPanel canExport={admin} canVerify={admin} />;
}
