"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { api } from "@/lib/client/api";
import type { BotDto, BotListItem, BotUpsertInput } from "@/lib/bots/schemas";
import { botKeys } from "./bot-keys";

/** Every business number with its bot (none, flow or external) and a switch to turn the bot on or off. */
export function BotsPanel() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: botKeys.list,
    queryFn: () => api<{ data: BotListItem[] }>("/api/v1/bots"),
  });
  const toggle = useMutation({
    mutationFn: ({ numberId, bot }: { numberId: string; bot: BotDto }) =>
      api(`/api/v1/bots/${numberId}`, {
        method: "PUT",
        body: JSON.stringify(upsertBody(bot, { active: !bot.active })),
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: botKeys.all }),
  });

  if (list.isPending) return <p className="p-6 text-sm text-slate-500">Loading bots…</p>;
  if (list.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-700">
        Could not load bots: {list.error.message}
      </p>
    );
  const rows = list.data.data;
  return (
    <div className="h-full overflow-y-auto p-6">
      <h1 className="text-lg font-semibold">Bots</h1>
      <p className="mt-1 text-sm text-slate-500">
        While a number&apos;s bot is on, its new conversations start with the bot and reach the team on
        handoff.
      </p>
      {toggle.error && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {toggle.error.message}
        </p>
      )}
      {rows.length === 0 && <p className="mt-4 text-sm text-slate-500">No business numbers yet.</p>}
      <table className="mt-4 w-full max-w-4xl text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-500">
            <th className="py-2 font-medium">Number</th>
            <th className="py-2 font-medium">Bot</th>
            <th className="py-2 font-medium">Status</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody>
          {rows.map(({ number_id, display_number, bot }) => (
            <tr key={number_id} className="border-b border-slate-100" data-testid="bot-row">
              <td className="py-2 font-medium">{display_number}</td>
              <td className="py-2">
                {!bot && <span className="text-slate-400">None</span>}
                {bot?.kind === "flow" && (
                  <span>
                    {bot.name} · Flow{" "}
                    <span className="text-slate-500">
                      {bot.published_version ? `v${bot.published_version}` : "(not published)"}
                    </span>
                  </span>
                )}
                {bot?.kind === "external" && (
                  <span>
                    {bot.name} · External{" "}
                    <span className="text-slate-500">{bot.external_url ?? "(no URL)"}</span>
                  </span>
                )}
              </td>
              <td className="py-2">
                {bot ? (
                  <label className="flex items-center gap-2">
                    <input
                      type="checkbox"
                      role="switch"
                      aria-label={`Bot on ${display_number}`}
                      checked={bot.active}
                      disabled={toggle.isPending || (!bot.active && !ready(bot))}
                      title={ready(bot) ? undefined : "Publish a flow or set a URL first"}
                      onChange={() => toggle.mutate({ numberId: number_id, bot })}
                    />
                    <span className={bot.active ? "text-emerald-700" : "text-slate-500"}>
                      {bot.active ? "On" : "Off"}
                    </span>
                  </label>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
              <td className="py-2 text-right">
                <Link href={`/admin/bots/${number_id}`} className="text-emerald-700 hover:underline">
                  {bot ? "Configure" : "Set up a bot"}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A bot can only be switched on once it has something to run. */
export function ready(bot: BotDto): boolean {
  return bot.kind === "flow" ? bot.published_version !== null : Boolean(bot.external_url);
}

export function upsertBody(bot: BotDto, patch: Partial<BotUpsertInput> = {}): BotUpsertInput {
  return {
    name: bot.name,
    kind: bot.kind,
    active: bot.active,
    external_url: bot.external_url,
    reply_timeout_seconds: bot.reply_timeout_seconds,
    resume_after_resolve: bot.resume_after_resolve,
    ...patch,
  };
}
