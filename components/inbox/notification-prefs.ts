// Per-user notification preferences, in this browser for now (a server-side setting can replace it).

export type NotificationPrefs = { sound: boolean; desktop: boolean };

const DEFAULTS: NotificationPrefs = { sound: true, desktop: true };

export function readPrefs(userId: string): NotificationPrefs {
  try {
    const raw = window.localStorage.getItem(key(userId));
    if (!raw) return DEFAULTS;
    const parsed = JSON.parse(raw) as Partial<NotificationPrefs>;
    return { sound: parsed.sound !== false, desktop: parsed.desktop !== false };
  } catch {
    return DEFAULTS;
  }
}

export function writePrefs(userId: string, prefs: NotificationPrefs): void {
  try {
    window.localStorage.setItem(key(userId), JSON.stringify(prefs));
  } catch {
    // Private mode or a full quota: the choice lasts for this page only.
  }
}

/** A short two-tone beep with WebAudio: no sound file to ship or load. */
export function beep(): void {
  const Ctor =
    window.AudioContext ??
    (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return;
  try {
    const ctx = new Ctor();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    gain.gain.setValueAtTime(0.0001, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.3);
    for (const [freq, start] of [
      [880, 0],
      [1320, 0.12],
    ] as const) {
      const osc = ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + 0.15);
    }
    setTimeout(() => void ctx.close(), 600);
  } catch {
    // Autoplay policy or no audio device: the badge still shows it.
  }
}

/** "(3) Inbox · Tandem": the unread count in front of the page's own title. */
export function titleWithCount(title: string, unread: number): string {
  const base = title.replace(/^\(\d+\+?\)\s*/, "");
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
}

function key(userId: string): string {
  return `tandem:notification-prefs:${userId}`;
}
