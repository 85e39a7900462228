"use client";

import { useState } from "react";
import type { BoardAgent, BoardConversation, BoardQueue } from "@/lib/board/schemas";
import { AgentCard } from "./agent-card";
import { ConversationChip, DRAG_TYPE } from "./conversation-chip";
import { since } from "./format";
import { viewingOf } from "./presence";
import {
  useAssign,
  useBoard,
  useBoardLive,
  useBoardPresence,
  useNow,
  useReassignAll,
  type LiveState,
} from "./use-board";

const liveLabel: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  refused: "Live updates refused",
};

/**
 * The supervisor's live board: queues per team and number, the conversations waiting, and every agent with
 * their load. Refetched on socket nudges only; reassign by dragging a conversation onto an agent or by its menu.
 */
export function BoardPanel() {
  const board = useBoard();
  const presence = useBoardPresence();
  const live = useBoardLive();
  const now = useNow();
  const [dragging, setDragging] = useState<BoardConversation | null>(null);
  const [status, setStatus] = useState<{ message: string; ok: boolean } | null>(null);
  const report = (message: string, ok: boolean) => setStatus({ message, ok });
  const assign = useAssign(report);
  const reassignAll = useReassignAll(report);

  const data = board.data;
  const agents = data?.agents ?? [];
  const waiting = (data?.conversations ?? []).filter((c) => c.assignee_id === null);
  const onAssign = (conversation: BoardConversation, to: BoardAgent | null) =>
    assign.mutate({
      conversationId: conversation.id,
      assigneeId: to?.user_id ?? null,
      label: to
        ? `${conversation.contact_name} assigned to ${to.name}`
        : `${conversation.contact_name} is back in the queue`,
    });

  return (
    <div className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-7xl space-y-6 p-6">
        <header className="flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold">Live board</h1>
          <span
            data-testid="board-live"
            data-state={live}
            className={`rounded-full px-2 py-0.5 text-xs font-medium ${
              live === "live" ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-800"
            }`}
          >
            {liveLabel[live]}
          </span>
          <p
            role="status"
            aria-live="polite"
            data-testid="board-status"
            className={`ml-auto text-sm ${status?.ok === false ? "text-red-700" : "text-slate-600"}`}
          >
            {status?.message}
          </p>
        </header>

        {board.isPending && <p className="text-sm text-slate-500">Loading the board…</p>}
        {board.error && (
          <p className="text-sm text-red-700">Could not load the board: {board.error.message}</p>
        )}

        {data && (
          <>
            <QueuesTable queues={data.queues} now={now} />
            <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
              <section
                aria-labelledby="board-waiting"
                data-testid="board-waiting"
                onDragOver={(event) => {
                  if (dragging?.assignee_id && event.dataTransfer.types.includes(DRAG_TYPE))
                    event.preventDefault();
                }}
                onDrop={(event) => {
                  event.preventDefault();
                  if (dragging?.assignee_id) onAssign(dragging, null);
                  setDragging(null);
                }}
                className="space-y-2"
              >
                <h2 id="board-waiting" className="text-sm font-semibold text-slate-700">
                  Waiting ({waiting.length}
                  {data.conversations_truncated ? "+" : ""})
                </h2>
                {waiting.length === 0 ? (
                  <p
                    data-testid="board-waiting-empty"
                    className="rounded border border-dashed p-3 text-sm text-slate-500"
                  >
                    Nobody is waiting. Drop a conversation here to put it back in its queue.
                  </p>
                ) : (
                  <ul className="space-y-1">
                    {waiting.map((c) => (
                      <ConversationChip
                        key={c.id}
                        conversation={c}
                        agents={agents}
                        now={now}
                        onAssign={(to) => onAssign(c, to)}
                        onDragChange={setDragging}
                      />
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="board-agents" className="space-y-2">
                <h2 id="board-agents" className="text-sm font-semibold text-slate-700">
                  Agents ({agents.length})
                </h2>
                {agents.length === 0 ? (
                  <p data-testid="board-agents-empty" className="text-sm text-slate-500">
                    Nobody is in your teams yet. Add people to a team to see them here.
                  </p>
                ) : (
                  <div className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
                    {agents.map((a) => (
                      <AgentCard
                        key={a.user_id}
                        agent={a}
                        agents={agents}
                        conversations={data.conversations.filter((c) => c.assignee_id === a.user_id)}
                        viewing={viewingOf(presence, a.user_id, now)}
                        dragging={dragging}
                        now={now}
                        onAssign={onAssign}
                        onReassignAll={(from, to) =>
                          reassignAll.mutate({ from: from.user_id, to: to?.user_id ?? null })
                        }
                        onDragChange={setDragging}
                      />
                    ))}
                  </div>
                )}
              </section>
            </div>
          </>
        )}
      </div>
    </div>
  );
}

function QueuesTable({ queues, now }: { queues: BoardQueue[]; now: number }) {
  return (
    <section aria-labelledby="board-queues" className="space-y-2">
      <h2 id="board-queues" className="text-sm font-semibold text-slate-700">
        Queues
      </h2>
      {queues.length === 0 ? (
        <p
          data-testid="board-queues-empty"
          className="rounded border border-dashed bg-white p-3 text-sm text-slate-500"
        >
          No open conversations in your teams right now.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-3 py-2">Team</th>
                <th className="px-3 py-2">Number</th>
                <th className="px-3 py-2 text-right">Waiting</th>
                <th className="px-3 py-2 text-right">Longest wait</th>
                <th className="px-3 py-2 text-right">SLA at risk</th>
                <th className="px-3 py-2 text-right">SLA breached</th>
                <th className="px-3 py-2 text-right">In bot</th>
                <th className="px-3 py-2 text-right">Open</th>
                <th className="px-3 py-2 text-right">Snoozed</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {queues.map((q) => (
                <tr
                  key={`${q.team_id}-${q.number_id}`}
                  data-testid="board-queue"
                  data-team={q.team_name}
                  data-waiting={q.waiting}
                >
                  <td className="px-3 py-2 font-medium">{q.team_name}</td>
                  <td className="px-3 py-2 text-slate-600">+{q.display_number}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{q.waiting}</td>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid="queue-longest-wait">
                    {since(q.longest_wait_since, now)}
                  </td>
                  <td
                    className={`px-3 py-2 text-right tabular-nums ${q.sla_at_risk ? "text-amber-700" : ""}`}
                  >
                    {q.sla_at_risk}
                  </td>
                  <td
                    className={`px-3 py-2 text-right tabular-nums ${q.sla_breached ? "font-medium text-red-700" : ""}`}
                  >
                    {q.sla_breached}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{q.bot}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{q.open}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{q.snoozed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
