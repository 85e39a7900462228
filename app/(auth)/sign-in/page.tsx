import { redirect } from "next/navigation";
import { currentActor } from "@/lib/auth/current-actor";
import { SignInForm } from "@/components/auth/sign-in-form";
import { signInAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentActor()) redirect("/inbox");
  const { next } = await searchParams;
  return (
    <main className="flex h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-2xl font-semibold tracking-tight">Tandem</h1>
        <p className="mt-1 text-sm text-slate-500">Sign in to your team&apos;s WhatsApp inbox.</p>
        <SignInForm action={signInAction} next={next ?? "/inbox"} />
      </div>
    </main>
  );
}
