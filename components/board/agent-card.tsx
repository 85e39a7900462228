"use client";

import Link from "next/link";
import { useState } from "react";
import type { BoardAgent, BoardConversation } from "@/lib/board/schemas";
import { ConversationChip, DRAG_TYPE } from "./conversation-chip";
import { isAbsent, loadBar, since } from "./format";
import { Menu } from "./menu";
import type { AgentViewing } from "./presence";

const availabilityTone: Record<string, string> = {
  online: "bg-emerald-100 text-emerald-800",
  busy: "bg-amber-100 text-amber-800",
  away: "bg-slate-200 text-slate-700",
  offline: "bg-slate-100 text-slate-500",
};
const barTone = { ok: "bg-emerald-600", full: "bg-amber-500", over: "bg-red-600" } as const;

/**
 * One agent: availability and for how long, what they are viewing or typing in right now, load against
 * capacity per team, their open conversations.
 */
export function AgentCard({
  agent,
  agents,
  conversations,
  viewing,
  dragging,
  now,
  onAssign,
  onReassignAll,
  onDragChange,
}: {
  agent: BoardAgent;
  agents: BoardAgent[];
  conversations: BoardConversation[];
  viewing: AgentViewing[];
  dragging: BoardConversation | null;
  now: number;
  onAssign: (conversation: BoardConversation, to: BoardAgent | null) => void;
  onReassignAll: (from: BoardAgent, to: BoardAgent | null) => void;
  onDragChange: (dragging: BoardConversation | null) => void;
}) {
  const [over, setOver] = useState(false);
  const accepts =
    dragging !== null &&
    dragging.assignee_id !== agent.user_id &&
    (dragging.team_id === null || agent.teams.some((t) => t.team_id === dragging.team_id));
  const teamIds = new Set(agent.teams.map((t) => t.team_id));
  const bulkTargets = agents.filter(
    (a) =>
      a.user_id !== agent.user_id && !isAbsent(a.availability) && a.teams.some((t) => teamIds.has(t.team_id)),
  );
  return (
    <article
      data-testid="board-agent"
      data-name={agent.name}
      data-user-id={agent.user_id}
      data-open={agent.open}
      data-availability={agent.availability}
      aria-label={`${agent.name}, ${agent.availability}, ${agent.open} open`}
      onDragOver={(event) => {
        if (!accepts || !event.dataTransfer.types.includes(DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (accepts && dragging) onAssign(dragging, agent);
        onDragChange(null);
      }}
      className={`flex flex-col gap-2 rounded-lg border bg-white p-3 transition-colors ${
        over
          ? "border-emerald-600 bg-emerald-50"
          : accepts
            ? "border-emerald-300 border-dashed"
            : "border-slate-200"
      }`}
    >
      <header className="flex items-center gap-2">
        <h3 className="mr-auto truncate font-medium">{agent.name}</h3>
        <span
          data-testid="agent-availability"
          className={`rounded px-1.5 py-0.5 text-xs font-medium ${availabilityTone[agent.availability] ?? availabilityTone.offline}`}
        >
          {agent.availability} · {since(agent.availability_since, now)}
        </span>
      </header>
      {viewing.length > 0 && (
        <ul aria-label={`${agent.name} is viewing`} className="space-y-0.5 text-xs text-slate-600">
          {viewing.map((v) => (
            <li
              key={v.conversationId}
              data-testid="agent-viewing"
              data-conversation-id={v.conversationId}
              data-typing={v.typing}
              className="flex min-w-0 items-center gap-1"
            >
              <span
                aria-hidden
                className={`h-1.5 w-1.5 shrink-0 rounded-full ${v.typing ? "animate-pulse bg-emerald-600" : "bg-sky-500"}`}
              />
              <span className="shrink-0">{v.typing ? "Typing in" : "Viewing"}</span>
              <Link
                href={`/inbox?c=${v.conversationId}`}
                className="truncate font-medium text-emerald-800 hover:underline"
              >
                {v.contactName}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <ul className="space-y-1">
        {agent.teams.map((t) => {
          const bar = loadBar(t.load, t.capacity);
          return (
            <li key={t.team_id} className="text-xs text-slate-600">
              <span className="flex justify-between">
                <span className="truncate">{t.team_name}</span>
                <span data-testid="agent-load" data-team={t.team_name}>
                  {t.load}/{t.capacity}
                </span>
              </span>
              <span
                role="meter"
                aria-label={`${t.team_name} load`}
                aria-valuemin={0}
                aria-valuemax={t.capacity}
                aria-valuenow={t.load}
                className="mt-0.5 block h-1.5 overflow-hidden rounded bg-slate-100"
              >
                <span className={`block h-full ${barTone[bar.tone]}`} style={{ width: `${bar.percent}%` }} />
              </span>
            </li>
          );
        })}
      </ul>
      <p className="flex justify-between text-xs text-slate-500">
        <span>
          <span data-testid="agent-open" className="font-medium text-slate-800">
            {agent.open}
          </span>{" "}
          open
        </span>
        <span>
          last activity {agent.last_activity_at ? `${since(agent.last_activity_at, now)} ago` : "—"}
        </span>
      </p>
      {conversations.length > 0 && (
        <ul className="space-y-1" aria-label={`${agent.name}'s conversations`}>
          {conversations.map((c) => (
            <ConversationChip
              key={c.id}
              conversation={c}
              agents={agents}
              now={now}
              onAssign={(to) => onAssign(c, to)}
              onDragChange={onDragChange}
            />
          ))}
        </ul>
      )}
      {isAbsent(agent.availability) && agent.open > 0 && (
        <Menu
          label={`Reassign all of ${agent.name}'s conversations`}
          button={`Reassign all ${agent.open}…`}
          testId="board-reassign-all"
          items={[
            { key: "queue", label: "Back to their queues", onSelect: () => onReassignAll(agent, null) },
            ...bulkTargets.map((a) => ({
              key: a.user_id,
              label: a.name,
              hint: `${a.availability} · ${a.open} open`,
              onSelect: () => onReassignAll(agent, a),
            })),
          ]}
          buttonClassName="self-start rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600"
        />
      )}
    </article>
  );
}
