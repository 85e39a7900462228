"use client";

import { memo, useImperativeHandle, useRef, useState, type Ref } from "react";
import { mayAssignOthers, type ConversationAction, type Person } from "@/lib/client/inbox";
import { explainSendError } from "@/lib/client/send";
import { conversationPriorities, type ConversationSummary } from "@/lib/conversations/schemas";
import { slaBadge } from "@/lib/utils/format";
import { useLabels, usePeople, useTeams, useViewer } from "./inbox-context";
import { MenuHeading, MenuItem, Popover, type PopoverHandle } from "./popover";
import { customSnooze, snoozeChoices } from "./snooze";
import { useConversationAction } from "./use-conversation-action";

/** What the inbox's shortcuts can ask of the header (e resolve, a assign to me, s snooze). */
export type HeaderHandle = {
  resolve(): void;
  assignToMe(): void;
  openSnooze(): void;
  openAssign(): void;
  run(action: ConversationAction): void;
};

type Props = {
  conversation: ConversationSummary;
  /** Called after an action that takes the conversation out of the agent's queue (resolve, snooze). */
  onLeave?: (conversationId: string) => void;
  ref?: Ref<HeaderHandle>;
};

// Memoized: the thread re-renders on every scroll and measurement; the header only when its conversation changes.
export const ConversationHeader = memo(function ConversationHeader({ conversation, onLeave, ref }: Props) {
  const viewer = useViewer();
  const act = useConversationAction(conversation, viewer);
  const snoozeMenu = useRef<PopoverHandle>(null);
  const assignMenu = useRef<PopoverHandle>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const others = mayAssignOthers(viewer, conversation);
  const mine = conversation.assignee_id === viewer.id;
  const canTake = !mine && (conversation.assignee_id === null || others);
  const canRelease = conversation.assignee_id !== null && (mine || others);
  const resolved = conversation.status === "resolved";

  function run(action: ConversationAction) {
    setNotice(null);
    act.mutate(action, {
      onError: (error) => setNotice(explainSendError(error)),
      onSuccess: () => {
        if (action.kind === "resolve" || action.kind === "snooze") onLeave?.(conversation.id);
      },
    });
  }

  const assignToMe = () => {
    if (canTake)
      run({ kind: "assign", body: { assignee_id: viewer.id }, assigneeName: viewer.name || "you" });
  };

  useImperativeHandle(ref, () => ({
    resolve: () => (resolved ? undefined : run({ kind: "resolve" })),
    assignToMe,
    openSnooze: () => snoozeMenu.current?.open(),
    openAssign: () => assignMenu.current?.open(),
    run,
  }));

  const contact = conversation.contact;
  return (
    <div className="border-b border-slate-200 bg-white px-5 py-2.5 dark:border-slate-700 dark:bg-slate-900">
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
        <div className="min-w-0">
          <h2 data-testid="thread-title" className="truncate text-sm font-semibold">
            {contact.name}
          </h2>
          <p className="truncate text-xs text-slate-500 dark:text-slate-400">
            {[
              contact.phone && `+${contact.phone}`,
              contact.username && `@${contact.username}`,
              `via ${conversation.number.display_number}`,
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
        </div>
        <div
          role="toolbar"
          aria-label="Conversation actions"
          data-testid="conversation-actions"
          className="flex flex-wrap items-center gap-1.5"
        >
          <StatusPill conversation={conversation} />
          <AssignMenu
            ref={assignMenu}
            conversation={conversation}
            canTake={canTake}
            canRelease={canRelease}
            others={others}
            onTake={assignToMe}
            run={run}
          />
          {resolved ? (
            <button
              type="button"
              data-testid="action-reopen"
              onClick={() => run({ kind: "reopen" })}
              className="rounded-md border border-slate-200 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
            >
              Reopen
            </button>
          ) : (
            <button
              type="button"
              data-testid="action-resolve"
              title="Resolve (e)"
              onClick={() => run({ kind: "resolve" })}
              className="rounded-md bg-emerald-600 px-2 py-1 text-xs font-medium text-white hover:bg-emerald-700"
            >
              Resolve
            </button>
          )}
          {conversation.status === "snoozed" && (
            <button
              type="button"
              data-testid="action-unsnooze"
              onClick={() => run({ kind: "reopen" })}
              className="rounded-md border border-slate-200 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
            >
              Unsnooze
            </button>
          )}
          {!resolved && <SnoozeMenu ref={snoozeMenu} run={run} />}
          <PriorityMenu conversation={conversation} run={run} />
          <LabelsMenu conversation={conversation} run={run} />
        </div>
      </div>
      {conversation.labels.length > 0 && (
        <ul aria-label="Labels" data-testid="thread-labels" className="mt-1.5 flex flex-wrap gap-1">
          {conversation.labels.map((label) => (
            <li key={label.id}>
              <LabelChip label={label} />
            </li>
          ))}
        </ul>
      )}
      {notice && (
        <p
          role="alert"
          data-testid="action-error"
          className="mt-1.5 flex items-start justify-between gap-2 rounded bg-red-50 px-2 py-1 text-xs text-red-900 dark:bg-red-950 dark:text-red-200"
        >
          <span>{notice}</span>
          <button type="button" aria-label="Dismiss" onClick={() => setNotice(null)} className="px-1">
            ✕
          </button>
        </p>
      )}
    </div>
  );
});

function StatusPill({ conversation }: { conversation: ConversationSummary }) {
  const text =
    conversation.status === "snoozed"
      ? conversation.snoozed_until
        ? `Snoozed until ${new Date(conversation.snoozed_until).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })}`
        : "Snoozed until reply"
      : conversation.status === "resolved"
        ? "Resolved"
        : conversation.status === "bot"
          ? "Bot"
          : "Open";
  // In the header every running SLA clock shows, however far off (the list shows only the close ones).
  const sla = conversation.status === "open" ? slaBadge(conversation.sla, Date.now(), Infinity) : null;
  return (
    <>
      <span
        data-testid="conversation-status"
        data-status={conversation.status}
        className="px-1 text-xs text-slate-500 dark:text-slate-400"
      >
        {text}
      </span>
      {sla && (
        <span
          data-testid="header-sla"
          data-kind={sla.kind}
          className={`rounded px-1 text-xs ${sla.kind === "breached" ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "text-slate-600 dark:text-slate-300"}`}
        >
          SLA: {sla.label}
        </span>
      )}
    </>
  );
}

function AssignMenu({
  conversation,
  canTake,
  canRelease,
  others,
  onTake,
  run,
  ref,
}: {
  conversation: ConversationSummary;
  canTake: boolean;
  canRelease: boolean;
  others: boolean;
  onTake: () => void;
  run: (action: ConversationAction) => void;
  ref: Ref<PopoverHandle>;
}) {
  const viewer = useViewer();
  const people = usePeople();
  const teams = useTeams();
  const label = conversation.assignee_name
    ? conversation.assignee_id === viewer.id
      ? "Assigned to you"
      : `Assigned to ${conversation.assignee_name}`
    : "Unassigned";
  if (!canTake && !canRelease && !others)
    return (
      <span data-testid="assignee" className="px-1 text-xs text-slate-600 dark:text-slate-300">
        {label}
      </span>
    );
  // Whoever can see the conversation's team once assigned: its members, and admins.
  const candidates = (people.data ?? []).filter(
    (p: Person) =>
      p.id !== viewer.id &&
      p.id !== conversation.assignee_id &&
      (p.role === "admin" || !conversation.team_id || p.teams.some((t) => t.id === conversation.team_id)),
  );
  return (
    <Popover
      ref={ref}
      label="Assign"
      button={label}
      title="Assign (a: to me)"
      buttonTestId="action-assign"
      panelTestId="assign-menu"
    >
      {(close) => (
        <>
          {canTake && (
            <MenuItem
              testId="assign-me"
              onSelect={() => {
                close();
                onTake();
              }}
            >
              Assign to me
            </MenuItem>
          )}
          {canRelease && (
            <MenuItem
              testId="assign-none"
              onSelect={() => {
                close();
                run({ kind: "assign", body: { assignee_id: null } });
              }}
            >
              Unassign
            </MenuItem>
          )}
          {others && (
            <>
              <MenuHeading>Team members</MenuHeading>
              {people.isPending && (
                <p className="px-3 py-1 text-xs text-slate-500 dark:text-slate-400">Loading people…</p>
              )}
              {people.error && (
                <p className="px-3 py-1 text-xs text-red-700 dark:text-red-400">
                  Could not load people: {people.error.message}
                </p>
              )}
              {people.data && candidates.length === 0 && (
                <p className="px-3 py-1 text-xs text-slate-500 dark:text-slate-400">
                  Nobody else in this team
                </p>
              )}
              {candidates.map((p) => (
                <MenuItem
                  key={p.id}
                  testId="assign-person"
                  onSelect={() => {
                    close();
                    run({ kind: "assign", body: { assignee_id: p.id }, assigneeName: p.name });
                  }}
                >
                  {p.name} <span className="text-xs text-slate-500 dark:text-slate-400">{p.role}</span>
                </MenuItem>
              ))}
              <MenuHeading>Move to team</MenuHeading>
              {(teams.data ?? [])
                .filter((t) => t.id !== conversation.team_id)
                .map((t) => (
                  <MenuItem
                    key={t.id}
                    testId="transfer-team"
                    onSelect={() => {
                      close();
                      run({ kind: "assign", body: { team_id: t.id, assignee_id: null } });
                    }}
                  >
                    {t.name}
                  </MenuItem>
                ))}
            </>
          )}
        </>
      )}
    </Popover>
  );
}

function SnoozeMenu({ run, ref }: { run: (action: ConversationAction) => void; ref: Ref<PopoverHandle> }) {
  const [custom, setCustom] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <Popover
      ref={ref}
      label="Snooze"
      title="Snooze (s)"
      buttonTestId="action-snooze"
      panelTestId="snooze-menu"
    >
      {(close) => (
        <>
          {snoozeChoices().map((choice) => (
            <MenuItem
              key={choice.id}
              testId={`snooze-${choice.id}`}
              onSelect={() => {
                close();
                run({ kind: "snooze", until: choice.until });
              }}
            >
              {choice.label}
            </MenuItem>
          ))}
          <form
            className="border-t border-slate-100 px-3 py-2 dark:border-slate-800"
            onSubmit={(event) => {
              event.preventDefault();
              const until = customSnooze(custom);
              if (!until) {
                setError("Pick a time in the future");
                return;
              }
              setError(null);
              close();
              run({ kind: "snooze", until });
            }}
          >
            <label className="block text-xs text-slate-600 dark:text-slate-300">
              Until a date and time
              <input
                type="datetime-local"
                value={custom}
                onChange={(event) => setCustom(event.target.value)}
                className="mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm dark:border-slate-600"
              />
            </label>
            {error && (
              <p role="alert" className="mt-1 text-xs text-red-700 dark:text-red-400">
                {error}
              </p>
            )}
            <button
              type="submit"
              className="mt-1.5 rounded bg-slate-800 px-2 py-1 text-xs font-medium text-white hover:bg-slate-900"
            >
              Snooze
            </button>
          </form>
        </>
      )}
    </Popover>
  );
}

const priorityLabel: Record<ConversationSummary["priority"], string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

function PriorityMenu({
  conversation,
  run,
}: {
  conversation: ConversationSummary;
  run: (action: ConversationAction) => void;
}) {
  return (
    <Popover
      label="Priority"
      button={`Priority: ${priorityLabel[conversation.priority]}`}
      buttonTestId="action-priority"
      panelTestId="priority-menu"
    >
      {(close) =>
        conversationPriorities.map((priority) => (
          <MenuItem
            key={priority}
            checked={conversation.priority === priority}
            testId={`priority-${priority}`}
            onSelect={() => {
              close();
              if (priority !== conversation.priority) run({ kind: "priority", priority });
            }}
          >
            {priorityLabel[priority]}
          </MenuItem>
        ))
      }
    </Popover>
  );
}

function LabelsMenu({
  conversation,
  run,
}: {
  conversation: ConversationSummary;
  run: (action: ConversationAction) => void;
}) {
  const labels = useLabels();
  return (
    <Popover label="Labels" buttonTestId="action-labels" panelTestId="labels-menu" align="right">
      {() => (
        <>
          {labels.isPending && (
            <p className="px-3 py-1 text-xs text-slate-500 dark:text-slate-400">Loading labels…</p>
          )}
          {labels.error && (
            <p className="px-3 py-1 text-xs text-red-700 dark:text-red-400">{labels.error.message}</p>
          )}
          {labels.data?.length === 0 && (
            <p className="px-3 py-1 text-xs text-slate-500 dark:text-slate-400">
              No labels yet: an admin creates them
            </p>
          )}
          {labels.data?.map((label) => {
            const on = conversation.labels.some((l) => l.id === label.id);
            const ref = { id: label.id, name: label.name, color: label.color };
            return (
              <MenuItem
                key={label.id}
                checked={on}
                testId="label-option"
                onSelect={() => run(on ? { kind: "unlabel", label: ref } : { kind: "label", label: ref })}
              >
                <span
                  aria-hidden
                  className="h-2.5 w-2.5 rounded-full"
                  style={{ backgroundColor: label.color }}
                />
                {label.name}
              </MenuItem>
            );
          })}
        </>
      )}
    </Popover>
  );
}

export function LabelChip({ label }: { label: { name: string; color: string } }) {
  return (
    <span
      data-testid="label-chip"
      className="inline-flex max-w-28 items-center gap-1 truncate rounded-full border px-1.5 text-[10px] leading-4 font-medium text-slate-700 dark:text-slate-200"
      style={{ borderColor: label.color }}
    >
      <span
        aria-hidden
        className="h-1.5 w-1.5 shrink-0 rounded-full"
        style={{ backgroundColor: label.color }}
      />
      {label.name}
    </span>
  );
}
