import { redirect } from "next/navigation";
import { BoardPanel } from "@/components/board/board-panel";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";

export default async function BoardPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  // The same permission as the board API and its socket room.
  if (!can(actor, "conversations:assign"))
    return <p className="p-6 text-sm text-slate-600">The live board is for supervisors and admins.</p>;
  return <BoardPanel />;
}
