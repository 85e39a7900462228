"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { fetchNotifications, markNotificationsRead, type NotificationList } from "@/lib/client/inbox";
import { onNotification } from "@/lib/client/notification-bus";
import { queryKeys } from "@/lib/client/query-keys";
import type { NotificationDto } from "@/lib/notifications/schemas";
import { timeAgo } from "@/lib/utils/format";
import { useViewer } from "./inbox-context";
import { beep, readPrefs, titleWithCount, writePrefs, type NotificationPrefs } from "./notification-prefs";
import { Popover } from "./popover";

/** The bell: unread count (also in the tab title), the latest notifications, sound and desktop alerts. */
export function NotificationBell({ onOpen }: { onOpen: (conversationId: string) => void }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.notifications, queryFn: fetchNotifications });
  const [prefs, setPrefs] = useState<NotificationPrefs>({ sound: true, desktop: true });
  const prefsRef = useRef(prefs);
  const unread = list.data?.unread ?? 0;

  useEffect(() => {
    const stored = readPrefs(viewer.id);
    setPrefs(stored);
    prefsRef.current = stored;
  }, [viewer.id]);

  // The tab title carries the count, so a background tab shows it too.
  useEffect(() => {
    document.title = titleWithCount(document.title, unread);
  }, [unread]);
  useEffect(() => () => void (document.title = titleWithCount(document.title, 0)), []);

  useEffect(
    () =>
      onNotification(async (event) => {
        const current = prefsRef.current;
        if (current.sound) beep();
        if (!current.desktop || typeof Notification === "undefined" || Notification.permission !== "granted")
          return;
        const fresh = await queryClient.fetchQuery({
          queryKey: queryKeys.notifications,
          queryFn: fetchNotifications,
          staleTime: 0,
        });
        const item = fresh.data.find((n) => n.id === event.id);
        const shown = new Notification(item ? headline(item) : "New notification", {
          body: item ? excerpt(item) : undefined,
          tag: `tandem-${event.id}`,
        });
        shown.onclick = () => {
          window.focus();
          onOpen(event.conversation_id);
          shown.close();
        };
      }),
    [queryClient, onOpen],
  );

  const read = useMutation({
    mutationFn: markNotificationsRead,
    onMutate: (input) => {
      queryClient.setQueryData<NotificationList>(queryKeys.notifications, (data) => {
        if (!data) return data;
        const now = new Date().toISOString();
        const ids = "ids" in input ? new Set(input.ids) : null;
        let cleared = 0;
        const next = data.data.map((n) => {
          if (n.read_at || (ids && !ids.has(n.id))) return n;
          cleared++;
          return { ...n, read_at: now };
        });
        return { ...data, data: next, unread: ids ? Math.max(0, data.unread - cleared) : 0 };
      });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });

  function update(change: Partial<NotificationPrefs>) {
    const next = { ...prefs, ...change };
    setPrefs(next);
    prefsRef.current = next;
    writePrefs(viewer.id, next);
    if (change.desktop && typeof Notification !== "undefined" && Notification.permission === "default")
      void Notification.requestPermission();
  }

  return (
    <Popover
      label={unread ? `Notifications, ${unread} unread` : "Notifications"}
      align="right"
      buttonTestId="notification-bell"
      panelTestId="notification-panel"
      buttonClassName="relative rounded-md p-1.5 text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
      button={
        <span
          onClick={() => {
            // Ask once, on the first click of the bell: browsers ignore requests that no click caused.
            if (prefs.desktop && typeof Notification !== "undefined" && Notification.permission === "default")
              void Notification.requestPermission();
          }}
        >
          <svg viewBox="0 0 20 20" className="h-5 w-5" aria-hidden>
            <path
              d="M10 2.5a5 5 0 00-5 5v3l-1.5 2.5h13L15 10.5v-3a5 5 0 00-5-5zM8 15.5a2 2 0 004 0"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
              strokeLinejoin="round"
            />
          </svg>
          {unread > 0 && (
            <span
              data-testid="notification-count"
              className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white"
            >
              {unread > 99 ? "99+" : unread}
            </span>
          )}
        </span>
      }
    >
      {(close) => (
        <div className="w-80">
          <div className="flex items-center justify-between border-b border-slate-100 px-3 pb-1.5 dark:border-slate-800">
            <p className="text-sm font-semibold">Notifications</p>
            <button
              type="button"
              data-testid="notifications-read-all"
              disabled={unread === 0}
              onClick={() => read.mutate({ all: true })}
              className="text-xs text-emerald-800 hover:underline disabled:text-slate-400 disabled:no-underline"
            >
              Mark all read
            </button>
          </div>
          {list.isPending && <p className="px-3 py-2 text-xs text-slate-500 dark:text-slate-400">Loading…</p>}
          {list.error && (
            <p role="alert" className="px-3 py-2 text-xs text-red-700 dark:text-red-400">
              Could not load notifications: {list.error.message}
            </p>
          )}
          {list.data?.data.length === 0 && (
            <p className="px-3 py-3 text-xs text-slate-500 dark:text-slate-400">
              Nothing yet: mentions and assignments land here.
            </p>
          )}
          <ul>
            {list.data?.data.map((n) => (
              <li key={n.id}>
                <button
                  type="button"
                  role="menuitem"
                  data-testid="notification-item"
                  data-unread={!n.read_at || undefined}
                  onClick={() => {
                    if (!n.read_at) read.mutate({ ids: [n.id] });
                    close();
                    if (n.conversation_id) onOpen(n.conversation_id);
                  }}
                  className={`block w-full px-3 py-2 text-left text-sm hover:bg-slate-50 focus:bg-slate-100 focus:outline-none dark:hover:bg-slate-800 ${
                    n.read_at ? "text-slate-600 dark:text-slate-300" : "bg-emerald-50/60"
                  }`}
                >
                  <span className="flex items-baseline justify-between gap-2">
                    <span className={n.read_at ? "" : "font-medium text-slate-900 dark:text-slate-100"}>
                      {headline(n)}
                    </span>
                    <span className="shrink-0 text-[11px] text-slate-500 dark:text-slate-400">
                      {timeAgo(n.created_at)}
                    </span>
                  </span>
                  {excerpt(n) && (
                    <span className="mt-0.5 line-clamp-2 block text-xs text-slate-600 dark:text-slate-300">
                      {excerpt(n)}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
          <fieldset className="mt-1 flex gap-4 border-t border-slate-100 px-3 pt-2 text-xs text-slate-700 dark:border-slate-800 dark:text-slate-200">
            <legend className="sr-only">Alerts</legend>
            <label className="flex items-center gap-1.5">
              <input
                type="checkbox"
                data-testid="pref-sound"
                checked={prefs.sound}
                onChange={(event) => update({ sound: event.target.checked })}
              />
              Sound
            </label>
            <label className="flex items-center gap-1.5">
              <input
                type="checkbox"
                data-testid="pref-desktop"
                checked={prefs.desktop}
                onChange={(event) => update({ desktop: event.target.checked })}
              />
              Desktop alerts
            </label>
          </fieldset>
        </div>
      )}
    </Popover>
  );
}

function headline(n: NotificationDto): string {
  const who = n.actor?.name ?? "Someone";
  if (n.kind === "mention") return `${who} mentioned you`;
  if (n.kind === "assigned") return `${who} assigned you a conversation`;
  if (n.kind === "sla_breached") return "A conversation missed its SLA";
  return `${who}: ${n.kind.replaceAll("_", " ")}`;
}

function excerpt(n: NotificationDto): string {
  const data = n.data as { excerpt?: unknown } | null;
  return typeof data?.excerpt === "string" ? data.excerpt : "";
}
