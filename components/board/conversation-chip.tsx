"use client";

import type { BoardAgent, BoardConversation } from "@/lib/board/schemas";
import { since } from "./format";
import { Menu, type MenuItem } from "./menu";

export const DRAG_TYPE = "application/x-tandem-conversation";

/** Agents a conversation may go to: members of its team (any agent when it has none), not its current one. */
export function eligibleAgents(conversation: BoardConversation, agents: BoardAgent[]): BoardAgent[] {
  return agents.filter(
    (a) =>
      a.user_id !== conversation.assignee_id &&
      (conversation.team_id === null || a.teams.some((t) => t.team_id === conversation.team_id)),
  );
}

/** One open conversation: drag it onto an agent, or use its menu (keyboard). */
export function ConversationChip({
  conversation,
  agents,
  now,
  onAssign,
  onDragChange,
}: {
  conversation: BoardConversation;
  agents: BoardAgent[];
  now: number;
  onAssign: (assignee: BoardAgent | null) => void;
  onDragChange: (dragging: BoardConversation | null) => void;
}) {
  const items: MenuItem[] = eligibleAgents(conversation, agents).map((a) => ({
    key: a.user_id,
    label: a.name,
    hint: `${a.availability} · ${a.open} open`,
    onSelect: () => onAssign(a),
  }));
  if (conversation.assignee_id)
    items.unshift({ key: "queue", label: "Back to the queue", onSelect: () => onAssign(null) });
  const overdue = conversation.sla_due_at !== null && Date.parse(conversation.sla_due_at) <= now;
  return (
    <li
      draggable
      data-testid="board-conversation"
      data-id={conversation.id}
      data-contact={conversation.contact_name}
      onDragStart={(event) => {
        event.dataTransfer.setData(DRAG_TYPE, conversation.id);
        event.dataTransfer.effectAllowed = "move";
        onDragChange(conversation);
      }}
      onDragEnd={() => onDragChange(null)}
      className="flex cursor-grab items-center gap-2 rounded border border-slate-200 bg-white px-2 py-1.5 text-sm shadow-sm active:cursor-grabbing"
    >
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">{conversation.contact_name}</span>
        <span className="block truncate text-xs text-slate-500">
          {conversation.waiting_since ? `waiting ${since(conversation.waiting_since, now)}` : "answered"}
          {conversation.priority !== "normal" && ` · ${conversation.priority}`}
        </span>
      </span>
      {(conversation.sla_breached || overdue) && (
        <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">SLA</span>
      )}
      <Menu
        label={`Reassign ${conversation.contact_name}`}
        button="⋯"
        items={items}
        empty="No other agent in this team"
        testId="board-conversation-menu"
        buttonClassName="rounded px-1.5 text-slate-500 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600"
      />
    </li>
  );
}
