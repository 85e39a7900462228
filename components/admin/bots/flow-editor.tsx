"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { api, ApiError } from "@/lib/client/api";
import {
  defaultLanguage,
  issuesAt,
  nodeMessages,
  validateFlow,
  type FlowDefinition,
  type FlowNode,
} from "@/lib/bots/schemas";
import { botKeys } from "./bot-keys";
import { collectedFields, freeId, newNode, NODE_TYPES, removeNode, renameNode } from "./flow-edit";
import { FlowSimulator } from "./flow-simulator";
import { Problems, smallButton, type Issues } from "./form-parts";
import { MessageBubble } from "./message-preview";
import { NodeForm } from "./node-form";
import { SettingsForm } from "./settings-form";

type Selected = { kind: "settings" } | { kind: "node"; id: string };

const typeLabel = Object.fromEntries(NODE_TYPES.map((t) => [t.type, t.label])) as Record<
  FlowNode["type"],
  string
>;

/**
 * Builds a flow without code: steps on the left, the selected step's form in the middle, its WhatsApp
 * preview or a simulator on the right. Validation runs on every change; publishing saves a new version.
 */
export function FlowEditor({
  numberId,
  initial,
  publishedVersion,
}: {
  numberId: string;
  initial: FlowDefinition;
  publishedVersion: number | null;
}) {
  const queryClient = useQueryClient();
  const [flow, setFlow] = useState<FlowDefinition>(initial);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<Selected>({ kind: "node", id: initial.start });
  const [panel, setPanel] = useState<"preview" | "simulate">("preview");
  const [adding, setAdding] = useState<FlowNode["type"]>("message");

  const result = useMemo(() => validateFlow(flow), [flow]);
  const issues: Issues = { errors: result.ok ? [] : result.errors, warnings: result.warnings };

  const edit = (next: FlowDefinition) => {
    setFlow(next);
    setDirty(true);
  };

  const publish = useMutation({
    mutationFn: (definition: FlowDefinition) =>
      api<{ version: number }>(`/api/v1/bots/${numberId}/flow`, {
        method: "POST",
        body: JSON.stringify({ definition }),
      }),
    onSuccess: () => {
      setDirty(false);
      void queryClient.invalidateQueries({ queryKey: botKeys.all });
    },
  });

  const languages = flow.settings.languages ?? [];
  const selectedNode = selected.kind === "node" ? flow.nodes[selected.id] : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="flow-editor">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        <span className="text-sm text-slate-600">
          {publishedVersion ? `Published: version ${publishedVersion}` : "Not published yet"}
          {dirty && <span className="ml-2 text-amber-700">· unpublished changes</span>}
        </span>
        <span className="text-xs" data-testid="flow-validation">
          {result.ok ? (
            <span className="text-emerald-700">✓ Ready to publish</span>
          ) : (
            <span className="text-red-700">
              {result.errors.length} problem{result.errors.length === 1 ? "" : "s"} to fix
            </span>
          )}
          {result.warnings.length > 0 && (
            <span className="ml-2 text-amber-700">
              {result.warnings.length} warning{result.warnings.length === 1 ? "" : "s"}
            </span>
          )}
        </span>
        <div className="ml-auto flex items-center gap-2">
          {publish.error && (
            <span role="alert" className="text-xs text-red-700">
              {publish.error instanceof ApiError ? publish.error.message : "Could not publish"}
            </span>
          )}
          {publish.isSuccess && !dirty && (
            <span role="status" className="text-xs text-emerald-700">
              Published version {publish.data.version}
            </span>
          )}
          <button
            type="button"
            data-testid="flow-publish"
            disabled={!result.ok || publish.isPending}
            onClick={() => result.ok && publish.mutate(result.flow)}
            className="rounded-md bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
          >
            {publish.isPending ? "Publishing…" : "Publish new version"}
          </button>
        </div>
      </div>

      <div className="grid min-h-0 flex-1 grid-cols-[15rem_minmax(0,1fr)_24rem]">
        <aside className="flex min-h-0 flex-col border-r border-slate-200 bg-slate-50">
          <nav className="min-h-0 flex-1 overflow-y-auto p-2 text-sm" aria-label="Flow steps">
            <button
              type="button"
              onClick={() => setSelected({ kind: "settings" })}
              className={`mb-2 flex w-full items-center justify-between rounded px-2 py-1.5 text-left ${
                selected.kind === "settings" ? "bg-white shadow-sm" : "hover:bg-white"
              }`}
            >
              <span className="font-medium">⚙ Settings</span>
              <Badge issues={issues} path="settings" />
            </button>
            <Problems issues={issues} path="start" />
            {Object.entries(flow.nodes).map(([id, node]) => (
              <button
                key={id}
                type="button"
                data-testid="flow-step"
                onClick={() => setSelected({ kind: "node", id })}
                className={`flex w-full items-center justify-between gap-1 rounded px-2 py-1.5 text-left ${
                  selected.kind === "node" && selected.id === id ? "bg-white shadow-sm" : "hover:bg-white"
                }`}
              >
                <span className="min-w-0">
                  <span className="block truncate">
                    {flow.start === id && <span title="Start">▶ </span>}
                    {node.label ?? id}
                  </span>
                  <span className="block text-xs text-slate-500">
                    {typeLabel[node.type]} · {id}
                  </span>
                </span>
                <Badge issues={issues} path={`nodes.${id}`} />
              </button>
            ))}
          </nav>
          <div className="flex gap-1 border-t border-slate-200 p-2">
            <select
              aria-label="New step type"
              value={adding}
              onChange={(e) => setAdding(e.target.value as FlowNode["type"])}
              className="min-w-0 flex-1 rounded border border-slate-300 px-1 text-sm"
            >
              {NODE_TYPES.map((t) => (
                <option key={t.type} value={t.type} title={t.hint}>
                  {t.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className={smallButton}
              onClick={() => {
                const id = freeId(flow, adding);
                edit({ ...flow, nodes: { ...flow.nodes, [id]: newNode(adding, languages) } });
                setSelected({ kind: "node", id });
              }}
            >
              Add step
            </button>
          </div>
        </aside>

        <main className="min-h-0 overflow-y-auto p-4">
          {selected.kind === "settings" && (
            <SettingsForm
              settings={flow.settings}
              issues={issues}
              onChange={(settings) => edit({ ...flow, settings })}
            />
          )}
          {selected.kind === "node" && selectedNode && (
            <NodeForm
              key={selected.id}
              id={selected.id}
              node={selectedNode}
              flow={flow}
              issues={issues}
              onChange={(node) => edit({ ...flow, nodes: { ...flow.nodes, [selected.id]: node } })}
              onRename={(to) => {
                edit(renameNode(flow, selected.id, to));
                setSelected({ kind: "node", id: to });
              }}
              onDelete={() => {
                edit(removeNode(flow, selected.id));
                setSelected({ kind: "settings" });
              }}
              onMakeStart={() => edit({ ...flow, start: selected.id })}
            />
          )}
          {selected.kind === "node" && !selectedNode && (
            <p className="text-sm text-slate-500">Pick a step on the left.</p>
          )}
        </main>

        <section className="flex min-h-0 flex-col border-l border-slate-200 bg-white">
          <div className="flex border-b border-slate-200 text-sm" role="tablist">
            {(["preview", "simulate"] as const).map((p) => (
              <button
                key={p}
                type="button"
                role="tab"
                aria-selected={panel === p}
                onClick={() => setPanel(p)}
                className={`flex-1 py-2 ${panel === p ? "border-b-2 border-emerald-700 font-medium" : "text-slate-500"}`}
              >
                {p === "preview" ? "Preview" : "Simulate"}
              </button>
            ))}
          </div>
          <div className="min-h-0 flex-1">
            {panel === "preview" ? (
              <NodePreview flow={flow} node={selectedNode} />
            ) : (
              <FlowSimulator flow={result.ok ? result.flow : flow} valid={result.ok} />
            )}
          </div>
        </section>
      </div>
    </div>
  );
}

/** The selected step's messages in each language, with sample values in place of the fields. */
function NodePreview({ flow, node }: { flow: FlowDefinition; node: FlowNode | undefined }) {
  const languages = flow.settings.languages?.length
    ? flow.settings.languages
    : [defaultLanguage(flow.settings)];
  const [language, setLanguage] = useState(languages[0]!);
  if (!node) return <p className="p-4 text-sm text-slate-500">Pick a step to preview what it sends.</p>;
  const shown = languages.includes(language) ? language : languages[0]!;
  const fields = Object.fromEntries(collectedFields(flow).map((f) => [f, `‹${f}›`]));
  let messages: ReturnType<typeof nodeMessages> = [];
  try {
    messages = nodeMessages(flow, node, { fields, language: shown, message: "‹customer message›" });
  } catch {
    // A half-typed step can't always be rendered; the form shows what's wrong.
  }
  return (
    <div className="flex h-full flex-col">
      {languages.length > 1 && (
        <div className="flex gap-1 border-b border-slate-200 p-2">
          {languages.map((l) => (
            <button
              key={l}
              type="button"
              onClick={() => setLanguage(l)}
              className={`rounded px-2 py-0.5 text-xs uppercase ${l === shown ? "bg-emerald-100 text-emerald-800" : "text-slate-500"}`}
            >
              {l}
            </button>
          ))}
        </div>
      )}
      <div className="min-h-0 flex-1 space-y-2 overflow-y-auto bg-[#efeae2] p-3" data-testid="node-preview">
        {messages.length === 0 && (
          <p className="text-center text-xs text-slate-500">
            {node.type === "condition"
              ? "A condition sends nothing: it only decides where to go."
              : "This step sends nothing."}
          </p>
        )}
        {messages.map((message, i) => (
          <MessageBubble key={i} message={message} />
        ))}
        {node.type === "handoff" && (
          <p className="mx-auto w-fit rounded-md bg-sky-100 px-2 py-1 text-xs text-sky-900">
            → handed to a person
          </p>
        )}
      </div>
    </div>
  );
}

function Badge({ issues, path }: { issues: Issues; path: string }) {
  const errors = issuesAt(issues.errors, path).length;
  const warnings = issuesAt(issues.warnings, path).length;
  if (errors)
    return <span className="shrink-0 rounded-full bg-red-100 px-1.5 text-xs text-red-800">{errors}</span>;
  if (warnings)
    return (
      <span className="shrink-0 rounded-full bg-amber-100 px-1.5 text-xs text-amber-800">{warnings}</span>
    );
  return null;
}
