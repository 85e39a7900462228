"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import {
  DEFAULT_FLOW,
  flowDefinitionSchema,
  type BotDto,
  type BotListItem,
  type BotUpsertInput,
  type FlowVersionDto,
} from "@/lib/bots/schemas";
import { botKeys } from "./bot-keys";
import { ready, upsertBody } from "./bots-panel";
import { ExternalBotForm } from "./external-bot-form";
import { FlowEditor } from "./flow-editor";
import { inputClass } from "./form-parts";

/** One number's bot: name, kind and switches on top, then the flow editor or the external bot's settings. */
export function BotEditor({ numberId }: { numberId: string }) {
  const list = useQuery({
    queryKey: botKeys.list,
    queryFn: () => api<{ data: BotListItem[] }>("/api/v1/bots"),
  });
  if (list.isPending) return <p className="p-6 text-sm text-slate-500">Loading…</p>;
  if (list.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-700">
        Could not load the bot: {list.error.message}
      </p>
    );
  const item = list.data.data.find((row) => row.number_id === numberId);
  if (!item) return <p className="p-6 text-sm text-slate-500">No such number.</p>;
  return (
    <div className="flex h-full min-h-0 flex-col">
      <BasicsForm key={item.bot?.id ?? "new"} item={item} />
      {item.bot?.kind === "flow" && <FlowSection numberId={numberId} bot={item.bot} />}
      {item.bot?.kind === "external" && (
        <div className="min-h-0 flex-1 overflow-y-auto p-4">
          <ExternalBotForm numberId={numberId} bot={item.bot} />
        </div>
      )}
    </div>
  );
}

function BasicsForm({ item }: { item: BotListItem }) {
  const queryClient = useQueryClient();
  const bot = item.bot;
  const [name, setName] = useState(bot?.name ?? "Assistant");
  const [kind, setKind] = useState<BotDto["kind"]>(bot?.kind ?? "flow");
  const [resume, setResume] = useState(bot?.resume_after_resolve ?? false);
  const save = useMutation({
    mutationFn: (body: BotUpsertInput) =>
      api<unknown>(`/api/v1/bots/${item.number_id}`, { method: "PUT", body: JSON.stringify(body) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: botKeys.all }),
  });
  const changed = !bot || name !== bot.name || kind !== bot.kind || resume !== bot.resume_after_resolve;
  const body = (patch: Partial<BotUpsertInput> = {}): BotUpsertInput =>
    bot
      ? upsertBody(bot, { name, kind, resume_after_resolve: resume, ...patch })
      : { name, kind, active: false, resume_after_resolve: resume, ...patch };
  return (
    <div className="border-b border-slate-200 bg-white px-4 py-3" data-testid="bot-basics">
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <Link href="/admin/bots" className="text-xs text-emerald-700 hover:underline">
            ← Bots
          </Link>
          <h1 className="text-lg font-semibold">{item.display_number}</h1>
        </div>
        <label className="text-xs font-medium text-slate-600">
          Name
          <input
            aria-label="Bot name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            className={`${inputClass} mt-1 w-48`}
          />
        </label>
        <fieldset className="text-sm">
          <legend className="text-xs font-medium text-slate-600">Kind</legend>
          <div className="mt-1 flex gap-3">
            <label className="flex items-center gap-1">
              <input
                type="radio"
                name="bot-kind"
                checked={kind === "flow"}
                onChange={() => setKind("flow")}
              />{" "}
              Flow (built here)
            </label>
            <label className="flex items-center gap-1">
              <input
                type="radio"
                name="bot-kind"
                checked={kind === "external"}
                onChange={() => setKind("external")}
              />{" "}
              External (your own HTTPS bot)
            </label>
          </div>
        </fieldset>
        <label
          className="flex items-center gap-2 text-sm"
          title="After a person resolves the conversation, does the customer's next message go back to the bot?"
        >
          <input type="checkbox" checked={resume} onChange={(e) => setResume(e.target.checked)} />
          Back to the bot after resolve
        </label>
        <div className="ml-auto flex items-center gap-3">
          {bot && (
            <label className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                role="switch"
                aria-label="Bot on"
                checked={bot.active}
                disabled={save.isPending || (!bot.active && !ready(bot))}
                title={ready(bot) ? undefined : "Publish a flow or set a URL first"}
                onChange={() => save.mutate(upsertBody(bot, { active: !bot.active }))}
              />
              <span className={bot.active ? "text-emerald-700" : "text-slate-500"}>
                {bot.active ? "On" : "Off"}
              </span>
            </label>
          )}
          <button
            type="button"
            data-testid="bot-save"
            disabled={!changed || !name.trim() || save.isPending}
            onClick={() => save.mutate(body())}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-50"
          >
            {bot ? "Save" : "Create bot"}
          </button>
        </div>
      </div>
      {bot && kind !== bot.kind && (
        <p className="mt-2 text-xs text-amber-700">Save to switch this number to the {kind} bot.</p>
      )}
      {save.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {save.error.message}
        </p>
      )}
    </div>
  );
}

function FlowSection({ numberId, bot }: { numberId: string; bot: BotDto }) {
  const flow = useQuery({
    queryKey: botKeys.flow(numberId),
    queryFn: async (): Promise<FlowVersionDto | null> => {
      try {
        return await api<FlowVersionDto>(`/api/v1/bots/${numberId}/flow`);
      } catch (error) {
        // No version yet: start from the starter flow.
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    // The editor owns the draft; a background refetch must not reset it.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (flow.isPending) return <p className="p-6 text-sm text-slate-500">Loading the flow…</p>;
  if (flow.error)
    return (
      <p role="alert" className="p-6 text-sm text-red-700">
        Could not load the flow: {flow.error.message}
      </p>
    );
  const stored = flow.data ? flowDefinitionSchema.safeParse(flow.data.definition) : null;
  const initial = stored?.success ? stored.data : DEFAULT_FLOW;
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {stored && !stored.success && (
        <p role="alert" className="bg-amber-50 px-4 py-1 text-xs text-amber-900">
          Version {flow.data?.version} could not be read; you are editing the starter flow instead.
        </p>
      )}
      <FlowEditor
        key={flow.data?.version ?? "starter"}
        numberId={numberId}
        initial={initial}
        publishedVersion={bot.published_version ?? flow.data?.version ?? null}
      />
    </div>
  );
}
