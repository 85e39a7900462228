import { notFound, redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { getWorkspaceSetting } from "@/lib/settings";
import { setMfaRequiredForAllAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function SecurityPage() {
  const actor = await currentActor();
  if (!actor) redirect("/sign-in");
  if (!can(actor, "settings:manage")) notFound();
  const requiredForAll = await getWorkspaceSetting("mfa.required_for_all");
  return (
    <main className="mx-auto max-w-3xl space-y-6 p-6">
      <h1 className="text-xl font-semibold">Security</h1>
      <section className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 className="font-medium">Two-factor authentication</h2>
        <p className="mt-1 text-sm text-slate-600">
          Admins and supervisors always need an authenticator app. Turn this on to require it from everyone:
          people without one are asked to set it up before they can do anything else.
        </p>
        <form action={setMfaRequiredForAllAction} className="mt-4 flex items-center gap-3">
          <input type="hidden" name="value" value={requiredForAll ? "off" : "on"} />
          <span data-testid="mfa-required-for-all" className="text-sm">
            Required for everyone: <strong>{requiredForAll ? "On" : "Off"}</strong>
          </span>
          <button
            type="submit"
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-50"
          >
            {requiredForAll ? "Turn off" : "Turn on"}
          </button>
        </form>
      </section>
    </main>
  );
}
