import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { BotEditor } from "@/components/admin/bots/bot-editor";

export const dynamic = "force-dynamic";

export default async function BotPage({ params }: { params: Promise<{ numberId: string }> }) {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  if (!can(actor, "numbers:manage")) notFound();
  const { numberId } = await params;
  return <BotEditor numberId={numberId} />;
}
