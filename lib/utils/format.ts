// Pure display helpers shared by the UI.

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [name.trim()[0]];
  return letters.join("").toUpperCase() || "?";
}

// toLocale*String with options builds a formatter on every call; a list or thread formats hundreds of
// times per render, so each format is built once (in the default locale, as those calls would use).
// Keyed by the option objects below, built on first use.
const formatters = new Map<Intl.DateTimeFormatOptions, Intl.DateTimeFormat>();
function formatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = formatters.get(options);
  if (!format) formatters.set(options, (format = new Intl.DateTimeFormat([], options)));
  return format;
}
const TIME = { hour: "2-digit", minute: "2-digit" } as const;
const SHORT_DATE = { month: "short", day: "numeric" } as const;
const LONG_DATE = { weekday: "long", month: "long", day: "numeric", year: "numeric" } as const;

export function shortTime(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "";
  const date = new Date(iso);
  const sameDay = date.toDateString() === now.toDateString();
  return formatter(sameDay ? TIME : SHORT_DATE).format(date);
}

export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === now.toDateString()) return "Today";
  if (date.toDateString() === yesterday.toDateString()) return "Yesterday";
  return formatter(LONG_DATE).format(date);
}

/** "Window closes in 3 h 12 min" from the time left in the 24-hour customer service window. */
export function windowCountdown(msLeft: number): string {
  if (msLeft <= 0) return "Window closed";
  const minutes = Math.floor(msLeft / 60_000);
  if (minutes < 1) return "Window closes in under a minute";
  const hours = Math.floor(minutes / 60);
  return `Window closes in ${hours ? `${hours} h ` : ""}${minutes % 60} min`;
}

/** "1.2 MB", "340 KB": file sizes as people read them. */
export function fileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
}

/** "45 s", "12 min", "3 h", "2 d": how long something has lasted, coarsely, for badges. */
export function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** "just now", "5 min ago", "3 h ago", then the date: when a notification happened. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const ms = now.getTime() - Date.parse(iso);
  if (ms < 60_000) return "just now";
  if (ms < 48 * 3_600_000) return `${elapsed(ms)} ago`;
  return formatter(SHORT_DATE).format(new Date(iso));
}

/** The list row's badge for the 24-hour window: closed, or closing within `soonMs` (default 2 h). */
export function windowBadge(
  expiresAt: string | null,
  now: number = Date.now(),
  soonMs = 2 * 3_600_000,
): { kind: "closed" | "closing"; label: string } | null {
  if (!expiresAt) return { kind: "closed", label: "Window closed" };
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return { kind: "closed", label: "Window closed" };
  if (left <= soonMs) return { kind: "closing", label: `Closes in ${elapsed(left)}` };
  return null;
}

type SlaClocks = {
  first_response_due_at: string | null;
  next_response_due_at: string | null;
  resolution_due_at: string | null;
};

/** The list row's SLA timer: the nearest running deadline, once it is within `soonMs` (default 1 h) or past. */
export function slaBadge(
  sla: SlaClocks,
  now: number = Date.now(),
  soonMs = 3_600_000,
): { kind: "breached" | "due"; label: string } | null {
  const clocks: [string, string | null][] = [
    ["First reply", sla.first_response_due_at],
    ["Reply", sla.next_response_due_at],
    ["Resolve", sla.resolution_due_at],
  ];
  const running = clocks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([name, at]) => ({ name, left: Date.parse(at) - now }))
    .sort((a, b) => a.left - b.left);
  const nearest = running[0];
  if (!nearest) return null;
  if (nearest.left <= 0)
    return { kind: "breached", label: `${nearest.name} overdue ${elapsed(-nearest.left)}` };
  if (nearest.left <= soonMs) return { kind: "due", label: `${nearest.name} in ${elapsed(nearest.left)}` };
  return null;
}
