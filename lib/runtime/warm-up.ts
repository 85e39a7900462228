// A fresh web process loads each route's compiled module on its first request: under load that first request
// took over a second (the fault harness: a live tab's refetch on a just-restarted process). The routes a live
// tab calls first are loaded before the process reports ready, so no user pays for it.

const ZERO_ID = "00000000-0000-0000-0000-000000000000";
/** What a tab calls right after (re)connecting: the list, a thread, a send. Unauthenticated: 401 is enough. */
const WARM_ROUTES: { method: "GET" | "POST"; path: string }[] = [
  { method: "GET", path: "/api/v1/conversations?limit=1" },
  { method: "GET", path: `/api/v1/conversations/${ZERO_ID}/messages` },
  { method: "POST", path: `/api/v1/conversations/${ZERO_ID}/messages` },
  { method: "GET", path: "/api/v1/me" },
];
const WARM_UP_TIMEOUT_MS = 15_000;

// On globalThis: the health route is bundled by Next apart from this module.
const warmingKey = Symbol.for("tandem.warmingUp");
const store = globalThis as unknown as { [warmingKey]?: boolean };

/** True while a web process is still loading its routes: /api/health answers 503 until then. */
export function isWarmingUp(): boolean {
  return store[warmingKey] === true;
}

export function markWarmingUp(): void {
  store[warmingKey] = true;
}

/** Requests each warm route once over loopback, then reports ready; a route that fails does not block it. */
export async function warmUp(port: number): Promise<void> {
  try {
    await Promise.all(
      WARM_ROUTES.map(({ method, path }) =>
        fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: { "x-request-id": "warm-up" },
          signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS),
        })
          .then((res) => res.arrayBuffer())
          .catch(() => undefined),
      ),
    );
  } finally {
    store[warmingKey] = false;
  }
}
