// Pure helpers for the board's clocks; `now` is passed in so a ticking component re-renders them.

/** A span as a person reads a wait: "45s", "12m", "3h 05m", "2d 4h". */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Time since an ISO instant, or a dash when there is none. */
export function since(iso: string | null, now: number): string {
  return iso ? formatSpan(now - Date.parse(iso)) : "—";
}

/** Load against capacity as a bar width (0–100) and a tone: full at capacity, red past it. */
export function loadBar(load: number, capacity: number): { percent: number; tone: "ok" | "full" | "over" } {
  if (capacity <= 0) return { percent: load > 0 ? 100 : 0, tone: load > 0 ? "over" : "ok" };
  const percent = Math.min(100, Math.round((load / capacity) * 100));
  return { percent, tone: load > capacity ? "over" : load === capacity ? "full" : "ok" };
}

/** Agents whose open work may be moved in bulk: nobody is there to answer it. */
export function isAbsent(availability: string): boolean {
  return availability === "offline" || availability === "away";
}
