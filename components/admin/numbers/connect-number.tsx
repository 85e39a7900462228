"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { api, ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import type {
  ConnectNumberInput,
  EmbeddedSignupInput,
  NumberDto,
  SignupSettings,
} from "@/lib/numbers/schemas";

type Team = { id: string; name: string };

const signupKey = [...queryKeys.numbers, "signup-settings"] as const;
const GRAPH_VERSION = "v23.0";

/** Connect a number: through Meta's Embedded Signup popup when configured, or by hand (ids and a token). */
export function ConnectNumber({ teams }: { teams: Team[] }) {
  const queryClient = useQueryClient();
  const signup = useQuery({
    queryKey: signupKey,
    queryFn: () => api<SignupSettings>("/api/v1/numbers/signup-settings"),
  });
  const [form, setForm] = useState({
    waba_id: "",
    phone_number_id: "",
    display_number: "",
    coexistence: true,
    default_team_id: "",
    access_token: "",
  });
  const [signupNotice, setSignupNotice] = useState<string | null>(null);
  // What Embedded Signup hands back: the code (FB.login callback) and the ids (session event), in any order.
  const [signupCode, setSignupCode] = useState<string | null>(null);
  const [signupIds, setSignupIds] = useState<{
    waba_id: string;
    phone_number_id: string;
    coexistence: boolean;
  } | null>(null);
  const finishSignup = useMutation({
    mutationFn: (input: EmbeddedSignupInput) =>
      api<NumberDto>("/api/v1/numbers/embedded-signup", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: (number) => {
      setSignupNotice(`${number.display_number} connected through Embedded Signup.`);
      setForm((f) => ({ ...f, waba_id: "", phone_number_id: "", display_number: "", access_token: "" }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers });
    },
    onError: (e) =>
      setSignupNotice(`Embedded Signup could not be finished: ${e.message} The ids are filled in below.`),
  });
  const { mutate: finish } = finishSignup;
  // Meta's code is single-use and expires within a minute: exchange it as soon as both halves are here.
  useEffect(() => {
    if (!signupCode || !signupIds) return;
    setSignupCode(null);
    setSignupNotice("Finishing Embedded Signup…");
    finish({
      code: signupCode,
      ...signupIds,
      ...(form.default_team_id ? { default_team_id: form.default_team_id } : {}),
    });
  }, [signupCode, signupIds, finish, form.default_team_id]);
  const connect = useMutation({
    mutationFn: (input: ConnectNumberInput) =>
      api<NumberDto>("/api/v1/numbers", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => {
      setForm((f) => ({ ...f, waba_id: "", phone_number_id: "", display_number: "", access_token: "" }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.numbers });
    },
  });

  // Embedded Signup reports the chosen WABA and number through a window message from facebook.com.
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (!/(^|\.)facebook\.com$/.test(hostOf(event.origin))) return;
      const data = parseSessionInfo(event.data);
      if (!data) return;
      if (data.phone_number_id && data.waba_id) {
        const coexistence = data.event === "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING";
        setForm((f) => ({
          ...f,
          waba_id: data.waba_id ?? "",
          phone_number_id: data.phone_number_id ?? "",
          coexistence: coexistence || f.coexistence,
        }));
        setSignupIds({ waba_id: data.waba_id, phone_number_id: data.phone_number_id, coexistence });
        setSignupNotice("Meta returned the number's ids; waiting for the signup code…");
      } else if (data.event === "CANCEL") setSignupNotice("Embedded Signup was cancelled.");
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate({
      waba_id: form.waba_id.trim(),
      phone_number_id: form.phone_number_id.trim(),
      display_number: form.display_number.trim(),
      coexistence: form.coexistence,
      default_team_id: form.default_team_id || null,
      ...(form.access_token.trim() ? { access_token: form.access_token.trim() } : {}),
    });
  };
  const error = connect.error instanceof ApiError ? connect.error : null;
  const configured = signup.data?.app_id && signup.data.config_id ? signup.data : null;
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1";
  return (
    <section
      className="mt-6 rounded-lg border border-slate-200 bg-white p-4"
      aria-labelledby="connect-heading"
    >
      <h2 id="connect-heading" className="font-medium">
        Connect a number
      </h2>
      {configured ? (
        <div className="mt-2 text-sm">
          <button
            type="button"
            onClick={() => {
              setSignupNotice("Opening Meta's Embedded Signup…");
              setSignupIds(null);
              launchEmbeddedSignup(configured.app_id!, configured.config_id!, (code) => {
                if (code) setSignupCode(code);
                else setSignupNotice("Embedded Signup ended without a code from Meta.");
              }).catch((e: unknown) =>
                setSignupNotice(`Could not open Embedded Signup: ${(e as Error).message}`),
              );
            }}
            disabled={finishSignup.isPending}
            className="rounded-md bg-blue-600 px-3 py-1.5 font-medium text-white disabled:opacity-50"
          >
            Connect with Meta (Embedded Signup)
          </button>
          <p className="mt-1 text-xs text-slate-500">
            The owner signs in with Facebook and picks the WhatsApp Business app number (Coexistence); the
            number is connected as soon as Meta returns, no token to paste.
          </p>
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-500">
          Embedded Signup is not configured: set the Meta app id and configuration id below, or connect by
          hand.
        </p>
      )}
      {signupNotice && (
        <p role="status" className="mt-2 text-sm text-slate-700">
          {signupNotice}
        </p>
      )}
      <form onSubmit={submit} className="mt-3 grid gap-3 text-sm sm:grid-cols-3">
        <Field label="WABA id" id="connect-waba">
          <input
            id="connect-waba"
            value={form.waba_id}
            onChange={(e) => setForm({ ...form, waba_id: e.target.value })}
            className={input}
            inputMode="numeric"
          />
        </Field>
        <Field label="Phone number id" id="connect-pnid">
          <input
            id="connect-pnid"
            value={form.phone_number_id}
            onChange={(e) => setForm({ ...form, phone_number_id: e.target.value })}
            className={input}
            inputMode="numeric"
          />
        </Field>
        <Field label="Display number" id="connect-display">
          <input
            id="connect-display"
            value={form.display_number}
            onChange={(e) => setForm({ ...form, display_number: e.target.value })}
            className={input}
            placeholder="+31 20 123 4567"
          />
        </Field>
        <Field label="Access token (stored encrypted, never shown again)" id="connect-token">
          <input
            id="connect-token"
            type="password"
            autoComplete="off"
            value={form.access_token}
            onChange={(e) => setForm({ ...form, access_token: e.target.value })}
            className={input}
          />
        </Field>
        <Field label="Default team" id="connect-team">
          <select
            id="connect-team"
            value={form.default_team_id}
            onChange={(e) => setForm({ ...form, default_team_id: e.target.value })}
            className={input}
          >
            <option value="">No team</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <label className="flex items-center gap-2 self-end pb-1">
          <input
            type="checkbox"
            checked={form.coexistence}
            onChange={(e) => setForm({ ...form, coexistence: e.target.checked })}
          />
          Coexistence (also used in the WhatsApp Business app)
        </label>
        <div className="flex items-center gap-3 sm:col-span-3">
          <button
            type="submit"
            disabled={connect.isPending}
            className="rounded-md bg-slate-900 px-3 py-1.5 font-medium text-white disabled:opacity-50"
          >
            {connect.isPending ? "Connecting…" : "Connect number"}
          </button>
          {error && (
            <p role="alert" className="text-red-700">
              {error.message}
            </p>
          )}
          {connect.isSuccess && (
            <p role="status" className="text-emerald-700">
              {connect.data.display_number} connected.
            </p>
          )}
        </div>
      </form>
      <SignupSettingsForm current={signup.data} />
    </section>
  );
}

function SignupSettingsForm({ current }: { current: SignupSettings | undefined }) {
  const queryClient = useQueryClient();
  const [appId, setAppId] = useState<string | null>(null);
  const [configId, setConfigId] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (input: SignupSettings) =>
      api<SignupSettings>("/api/v1/numbers/signup-settings", { method: "PUT", body: JSON.stringify(input) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: signupKey }),
  });
  const app = appId ?? current?.app_id ?? "";
  const config = configId ?? current?.config_id ?? "";
  return (
    <details className="mt-4 border-t border-slate-100 pt-3 text-sm">
      <summary className="cursor-pointer text-slate-700">Embedded Signup settings</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ app_id: app.trim() || null, config_id: config.trim() || null });
        }}
        className="mt-2 grid gap-3 sm:grid-cols-3"
      >
        <Field label="Meta app id" id="signup-app">
          <input
            id="signup-app"
            value={app}
            onChange={(e) => setAppId(e.target.value)}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
          />
        </Field>
        <Field label="Login configuration id" id="signup-config">
          <input
            id="signup-config"
            value={config}
            onChange={(e) => setConfigId(e.target.value)}
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1"
          />
        </Field>
        <div className="flex items-end gap-3">
          <button
            type="submit"
            disabled={save.isPending}
            className="rounded-md border border-slate-300 px-3 py-1.5 font-medium disabled:opacity-50"
          >
            Save Embedded Signup settings
          </button>
        </div>
        {save.error && (
          <p role="alert" className="text-red-700 sm:col-span-3">
            {save.error.message}
          </p>
        )}
      </form>
    </details>
  );
}

function Field({ label, id, children }: { label: string; id: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs text-slate-500">
        {label}
      </label>
      {children}
    </div>
  );
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return "";
  }
}

type SessionInfo = { event?: string; phone_number_id?: string; waba_id?: string };

/** Meta's session-logging message: `{ type: "WA_EMBEDDED_SIGNUP", event, data: { phone_number_id, waba_id } }`. */
function parseSessionInfo(raw: unknown): SessionInfo | null {
  try {
    const message = (typeof raw === "string" ? JSON.parse(raw) : raw) as {
      type?: string;
      event?: string;
      data?: { phone_number_id?: string; waba_id?: string };
    };
    if (message?.type !== "WA_EMBEDDED_SIGNUP") return null;
    return { event: message.event, ...message.data };
  } catch {
    return null;
  }
}

type FacebookSdk = {
  init: (options: Record<string, unknown>) => void;
  login: (callback: (response: unknown) => void, options: Record<string, unknown>) => void;
};

/**
 * Loads the FB JS SDK once and opens the Coexistence flavour of Embedded Signup (PROTOCOL.md §5.1); the
 * login callback carries the code the server exchanges for the token.
 */
async function launchEmbeddedSignup(
  appId: string,
  configId: string,
  onCode: (code: string | null) => void,
): Promise<void> {
  const w = window as unknown as { FB?: FacebookSdk };
  if (!w.FB) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "https://connect.facebook.net/en_US/sdk.js";
      script.async = true;
      script.crossOrigin = "anonymous";
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("the Facebook SDK did not load"));
      document.body.appendChild(script);
    });
  }
  const fb = w.FB;
  if (!fb) throw new Error("the Facebook SDK did not start");
  fb.init({ appId, autoLogAppEvents: true, xfbml: false, version: GRAPH_VERSION });
  fb.login(
    (response) => {
      const code = (response as { authResponse?: { code?: unknown } } | null)?.authResponse?.code;
      onCode(typeof code === "string" && code ? code : null);
    },
    {
      config_id: configId,
      response_type: "code",
      override_default_response_type: true,
      extras: { setup: {}, featureType: "whatsapp_business_app_onboarding", sessionInfoVersion: "3" },
    },
  );
}
