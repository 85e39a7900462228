"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/client/api";
import type { BotDto } from "@/lib/bots/schemas";
import { botKeys } from "./bot-keys";
import { upsertBody } from "./bots-panel";
import { inputClass, smallButton } from "./form-parts";
import { ShowOnce } from "./show-once";

/**
 * An external bot: where events go, how long it may take to answer, and its credentials (the signing
 * secret and the REST token are shown once when generated; generating again replaces them).
 */
export function ExternalBotForm({ numberId, bot }: { numberId: string; bot: BotDto }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState(bot.external_url ?? "");
  const [timeout, setTimeoutSeconds] = useState(bot.reply_timeout_seconds);
  const [shown, setShown] = useState<{ label: string; value: string } | null>(null);
  const urlError = url && !/^https:\/\/[^\s/]+/.test(url) ? "Must be an https:// URL" : null;

  const save = useMutation({
    mutationFn: () =>
      api(`/api/v1/bots/${numberId}`, {
        method: "PUT",
        body: JSON.stringify(upsertBody(bot, { external_url: url || null, reply_timeout_seconds: timeout })),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: botKeys.all }),
  });
  const secret = useMutation({
    mutationFn: () => api<{ secret: string }>(`/api/v1/bots/${numberId}/secret`, { method: "POST" }),
    onSuccess: (data) => {
      setShown({ label: "Signing secret", value: data.secret });
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
    },
  });
  const token = useMutation({
    mutationFn: () => api<{ token: string }>(`/api/v1/bots/${numberId}/token`, { method: "POST" }),
    onSuccess: (data) => {
      setShown({ label: "Bot token", value: data.token });
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
    },
  });
  const regenerate = (what: string, exists: boolean, run: () => void) => {
    if (!exists || window.confirm(`Replace the current ${what}? Your bot stops working until you update it.`))
      run();
  };
  const changed = url !== (bot.external_url ?? "") || timeout !== bot.reply_timeout_seconds;
  const error = save.error ?? secret.error ?? token.error;

  return (
    <div className="max-w-2xl space-y-5" data-testid="external-bot-form">
      <section className="space-y-3">
        <label className="block text-xs font-medium text-slate-600">
          Webhook URL
          <input
            aria-label="Webhook URL"
            value={url}
            placeholder="https://bot.example.com/tandem"
            onChange={(e) => setUrl(e.target.value.trim())}
            className={`${inputClass} mt-1`}
          />
        </label>
        {urlError && <p className="text-xs text-red-700">{urlError}</p>}
        <p className="text-xs text-slate-500">
          Customer messages in bot conversations are POSTed here, signed with the secret (HMAC-SHA256). The
          bot replies and hands off through the REST API with its token.
        </p>
        <label className="block text-xs font-medium text-slate-600">
          Hand off if the bot hasn&apos;t answered within (seconds)
          <input
            type="number"
            min={5}
            max={3600}
            aria-label="Reply timeout"
            value={timeout}
            onChange={(e) => setTimeoutSeconds(Number(e.target.value))}
            className={`${inputClass} mt-1 w-32`}
          />
        </label>
        <button
          type="button"
          disabled={!changed || Boolean(urlError) || save.isPending}
          onClick={() => save.mutate()}
          className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
        >
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </section>

      <section className="space-y-2 border-t border-slate-200 pt-4">
        <h2 className="text-sm font-medium">Credentials</h2>
        <div className="flex items-center justify-between text-sm">
          <span>
            Signing secret <span className="text-slate-500">{bot.has_secret ? "· set" : "· not set"}</span>
          </span>
          <button
            type="button"
            data-testid="generate-secret"
            className={smallButton}
            disabled={secret.isPending}
            onClick={() => regenerate("secret", bot.has_secret, () => secret.mutate())}
          >
            {bot.has_secret ? "Generate a new secret" : "Generate secret"}
          </button>
        </div>
        <div className="flex items-center justify-between text-sm">
          <span>
            Bot token{" "}
            <span className="text-slate-500">
              {bot.has_token ? `· ${bot.token_prefix ? `${bot.token_prefix}…` : "set"}` : "· not set"}
            </span>
          </span>
          <button
            type="button"
            data-testid="generate-token"
            className={smallButton}
            disabled={token.isPending}
            onClick={() => regenerate("token", bot.has_token, () => token.mutate())}
          >
            {bot.has_token ? "Generate a new token" : "Generate token"}
          </button>
        </div>
        {shown && <ShowOnce label={shown.label} value={shown.value} onDismiss={() => setShown(null)} />}
      </section>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
    </div>
  );
}
