"use client";

import { useEffect, useRef, useState } from "react";
import {
  initialFlowState,
  stepFlow,
  type FlowAction,
  type FlowDefinition,
  type FlowState,
} from "@/lib/bots/schemas";
import type { OutboundMessageInput } from "@/lib/messaging/schemas";
import { inputClass, smallButton } from "./form-parts";
import { Bubble, MessageBubble } from "./message-preview";

type Entry =
  | { kind: "customer"; text: string }
  | { kind: "bot"; message: OutboundMessageInput }
  | { kind: "event"; text: string; tone: "info" | "handoff" | "end" };

/**
 * Chat with the draft flow before publishing: the same stepFlow the server runs, in the browser. The
 * clock can be moved to try the away message and business-hours branches.
 */
export function FlowSimulator({ flow, valid }: { flow: FlowDefinition; valid: boolean }) {
  const [state, setState] = useState<FlowState>(initialFlowState);
  const [log, setLog] = useState<Entry[]>([]);
  const [draft, setDraft] = useState("");
  const [clock, setClock] = useState(""); // "" = real time
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: "nearest" });
  }, [log]);

  function send(text: string | null, replyId: string | null) {
    const now = clock ? new Date(clock) : new Date();
    const result = stepFlow(flow, state, { kind: "message", text, replyId }, { now });
    setState(result.state);
    const said: Entry[] = [{ kind: "customer", text: text ?? "📷 Photo" }];
    const done = state.done
      ? [
          {
            kind: "event" as const,
            text: "The bot has finished: restart to try again.",
            tone: "info" as const,
          },
        ]
      : [];
    setLog((l) => [...l, ...said, ...done, ...result.actions.map(toEntry)]);
  }

  function restart() {
    setState(initialFlowState());
    setLog([]);
  }

  return (
    <div className="flex h-full flex-col" data-testid="flow-simulator">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-2 text-xs">
        <button type="button" onClick={restart} className={smallButton}>
          Restart
        </button>
        <label className="flex items-center gap-1 text-slate-600">
          Time
          <input
            type="datetime-local"
            aria-label="Simulated time"
            value={clock}
            onChange={(e) => setClock(e.target.value)}
            className="rounded border border-slate-300 px-1 py-0.5"
          />
        </label>
        {clock && (
          <button type="button" onClick={() => setClock("")} className="text-emerald-700 hover:underline">
            now
          </button>
        )}
        <span className="ml-auto text-slate-500">
          step: <code>{state.node ?? "not started"}</code>
          {state.language ? ` · ${state.language}` : ""}
          {state.failures ? ` · ${state.failures} wrong` : ""}
        </span>
      </div>
      {!valid && (
        <p className="bg-amber-50 px-3 py-1 text-xs text-amber-900">
          The flow has errors: the simulation may stop early.
        </p>
      )}
      <div className="min-h-0 flex-1 space-y-2 overflow-y-auto bg-[#efeae2] p-3" data-testid="simulator-log">
        {log.length === 0 && (
          <p className="text-center text-xs text-slate-500">
            Write as the customer to start the conversation.
          </p>
        )}
        {log.map((entry, i) => {
          if (entry.kind === "customer")
            return (
              <Bubble key={i} mine>
                {entry.text}
              </Bubble>
            );
          if (entry.kind === "bot")
            return (
              <MessageBubble
                key={i}
                message={entry.message}
                onPick={state.done ? undefined : (reply) => send(reply.title, reply.id)}
              />
            );
          return (
            <p
              key={i}
              data-testid="simulator-event"
              className={`mx-auto w-fit max-w-[90%] whitespace-pre-wrap rounded-md px-2 py-1 text-center text-xs ${
                entry.tone === "handoff"
                  ? "bg-sky-100 text-sky-900"
                  : entry.tone === "end"
                    ? "bg-slate-200 text-slate-700"
                    : "bg-amber-50 text-amber-900"
              }`}
            >
              {entry.text}
            </p>
          );
        })}
        <div ref={end} />
      </div>
      <form
        className="flex gap-2 border-t border-slate-200 p-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!draft.trim()) return;
          send(draft, null);
          setDraft("");
        }}
      >
        <input
          aria-label="Customer message"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="Type as the customer…"
          className={inputClass}
        />
        <button
          type="submit"
          className="rounded-md bg-emerald-700 px-3 py-1 text-sm text-white hover:bg-emerald-800"
        >
          Send
        </button>
        <button
          type="button"
          title="Send a photo (a message without text)"
          onClick={() => send(null, null)}
          className={smallButton}
        >
          📷
        </button>
      </form>
    </div>
  );
}

function toEntry(action: FlowAction): Entry {
  switch (action.type) {
    case "send":
      return { kind: "bot", message: action.message };
    case "set_field":
      return { kind: "event", text: `Saved ${action.name} = ${action.value}`, tone: "info" };
    case "handoff": {
      const fields = Object.entries(action.fields).map(([k, v]) => `${k}: ${v}`);
      return {
        kind: "event",
        tone: "handoff",
        text: [`Handed off to a person (${action.reason.replace("_", " ")})`, action.summary, ...fields].join(
          "\n",
        ),
      };
    }
    case "end":
      return { kind: "event", text: "The bot ended the conversation.", tone: "end" };
  }
}
