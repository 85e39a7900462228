// Browser-side fetch wrapper: same-origin, JSON, typed error shape { error: { code, message } }.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The rest of the error body, e.g. `field` and `issues` on a 422. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * `init.signal` (e.g. TanStack's query-function `signal`) aborts the request on the wire, so a cancelled
 * refetch frees its connection instead of queueing the next ones behind it.
 */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: {
      accept: "application/json",
      ...(init?.body ? { "content-type": "application/json" } : {}),
      ...init?.headers,
    },
  });
  if (response.status === 401 && typeof window !== "undefined") {
    window.location.href = `/sign-in?next=${encodeURIComponent(window.location.pathname)}`;
  }
  const body: unknown = await response.json().catch(() => null);
  // An abort while reading the body lands in the catch above: reject, never hand back `null` as data.
  init?.signal?.throwIfAborted();
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } & Record<string, unknown> } | null)
      ?.error;
    const { code, message, ...details } = error ?? {};
    throw new ApiError(
      response.status,
      code ?? "http_error",
      message ?? `Request failed (${response.status})`,
      details,
    );
  }
  return body as T;
}
