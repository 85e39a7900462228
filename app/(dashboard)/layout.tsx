import Link from "next/link";
import { redirect } from "next/navigation";
import { auth, signOut } from "@/lib/auth/config";
import { currentActor } from "@/lib/auth/current-actor";
import { can } from "@/lib/auth/permissions";
import { Providers } from "@/components/providers/providers";
import { ThemeToggle } from "@/components/inbox/theme-toggle";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await currentActor();
  if (!actor || actor.type !== "user") redirect("/sign-in");
  const session = await auth();
  // People and security admin: each link only for whoever may use the page behind it.
  const peopleLinks = [
    { href: "/admin/bots", label: "Bots", show: can(actor, "numbers:manage") },
    {
      href: "/admin/routing",
      label: "Routing",
      show: can(actor, "teams:manage") || can(actor, "teams:roster"),
    },
    { href: "/admin/sla", label: "SLA", show: can(actor, "settings:manage") },
    { href: "/admin/hours", label: "Hours", show: can(actor, "settings:manage") },
    { href: "/admin/canned-responses", label: "Canned", show: can(actor, "conversations:reply") },
    { href: "/admin/labels", label: "Labels", show: can(actor, "labels:manage") },
    { href: "/admin/attributes", label: "Attributes", show: can(actor, "contacts:manage") },
    { href: "/admin/consent", label: "Consent", show: can(actor, "campaigns:manage") },
    { href: "/admin/integrations", label: "Integrations", show: can(actor, "settings:manage") },
    { href: "/admin/csat", label: "CSAT", show: can(actor, "settings:manage") },
    {
      href: "/admin/data",
      label: "Data",
      show: can(actor, "numbers:manage") || can(actor, "settings:manage") || can(actor, "contacts:manage"),
    },
    { href: "/admin/users", label: "People", show: can(actor, "users:manage") },
    { href: "/admin/teams", label: "Teams", show: can(actor, "teams:manage") || can(actor, "teams:roster") },
    { href: "/admin/roles", label: "Roles", show: can(actor, "roles:manage") },
    { href: "/admin/api-keys", label: "API keys", show: can(actor, "api-keys:manage") },
    { href: "/admin/security", label: "Security", show: can(actor, "settings:manage") },
    { href: "/admin/audit", label: "Audit log", show: can(actor, "audit:read") },
    { href: "/account", label: "Account", show: true },
  ];
  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/sign-in" });
  }
  return (
    <Providers>
      <div className="flex h-full flex-col">
        <header className="flex h-12 shrink-0 items-center justify-between border-b border-slate-200 bg-white px-4 dark:border-slate-800 dark:bg-slate-900">
          <nav className="flex items-center gap-4 text-sm">
            <span className="font-semibold tracking-tight text-emerald-800 dark:text-emerald-400">
              Tandem
            </span>
            <Link
              href="/inbox"
              className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
            >
              Inbox
            </Link>
            {can(actor, "conversations:assign") && (
              <>
                <Link
                  href="/board"
                  className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
                >
                  Board
                </Link>
                <Link
                  href="/reports"
                  className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
                >
                  Reports
                </Link>
              </>
            )}
            {actor.role !== "agent" && (
              <Link
                href="/admin/numbers"
                className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
              >
                Numbers
              </Link>
            )}
            {actor.role !== "agent" && (
              <Link
                href="/admin/templates"
                className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
              >
                Templates
              </Link>
            )}
            {can(actor, "campaigns:manage") && (
              <Link
                href="/campaigns"
                className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
              >
                Campaigns
              </Link>
            )}
            {peopleLinks
              .filter((l) => l.show)
              .map((l) => (
                <Link
                  key={l.href}
                  href={l.href}
                  className="text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
                >
                  {l.label}
                </Link>
              ))}
          </nav>
          <div className="flex items-center gap-3 text-sm text-slate-600 dark:text-slate-300">
            <ThemeToggle />
            <span data-testid="current-user">
              {session?.user?.name ?? session?.user?.email} · {actor.role}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <div className="min-h-0 flex-1">{children}</div>
      </div>
    </Providers>
  );
}
