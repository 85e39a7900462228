import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { useMemo, useSyncExternalStore } from "react";
import { ApiError } from "@/lib/client/api";
import { queryKeys } from "@/lib/client/query-keys";
import { explainSendError, isNetworkError, newIdempotencyKey, sendMessage } from "@/lib/client/send";
import { startUpload, type UploadedFile, type UploadTask } from "@/lib/client/uploads";
import type { MessageDto, Page } from "@/lib/conversations/schemas";
import { outboundMessageInput, type OutboundMessageInput } from "@/lib/messaging/schemas";
import { flattenPages } from "./thread-rows";

// Messages the agent sent that the thread has not shown from the server yet. Module state, not component
// state: a send keeps going (and its bubble comes back) when the agent switches to another conversation.

export type PendingPreview = {
  type: string;
  text: string | null;
  /** The attached file as the bubble shows it until the server has it (an object URL of the local file). */
  file?: { url: string | null; mime_type: string; filename: string; size: number };
  /** Meta id of the quoted message, like MessageDto.reply_to. */
  replyTo: string | null;
};

export type OutboxItem = {
  /** The Idempotency-Key of this submit, kept for every retry of it. */
  key: string;
  conversationId: string;
  createdAt: string;
  preview: PendingPreview;
  state: "uploading" | "sending" | "sent" | "failed";
  progress: number | null;
  error: { code: string; message: string; canRetry: boolean } | null;
  /** The server's message once it answered; shown until the thread's own data has it. */
  message: MessageDto | null;
  /** Free text the agent can take back into the composer when a send is refused. */
  draft: string | null;
  /** What was (or is being) POSTed, once built: the server stores it as the message's content. */
  body: OutboundMessageInput | null;
  /** Messages the thread already had when the agent pressed send: none of them can be this one. */
  earlier: ReadonlySet<string>;
};

type Entry = {
  item: OutboxItem;
  /** Builds the body from the finished upload (or null); called once, then `body` is frozen for retries. */
  build: (upload: UploadedFile | null) => OutboundMessageInput;
  body: OutboundMessageInput | null;
  upload: UploadTask | null;
  windowAtSend: string | null;
};

type Snapshot = {
  items: OutboxItem[];
  /** Conversations whose free-text send came back window_closed, with the window value it was refused at. */
  refusedWindows: Record<string, string | null>;
};

const entries = new Map<string, Entry>();
const chains = new Map<string, Promise<void>>();
const listeners = new Set<() => void>();
let snapshot: Snapshot = { items: [], refusedWindows: {} };

export type QueueSendInput = {
  conversationId: string;
  preview: PendingPreview;
  build: Entry["build"];
  upload?: UploadTask | null;
  draft?: string | null;
  /** The conversation's window_expires_at as the composer saw it. */
  windowExpiresAt: string | null;
};

/** Shows the pending bubble at once and sends in the background; sends of one conversation go in order. */
export function queueSend(queryClient: QueryClient, input: QueueSendInput): string {
  const key = newIdempotencyKey();
  entries.set(key, {
    item: {
      key,
      conversationId: input.conversationId,
      createdAt: new Date().toISOString(),
      preview: input.preview,
      state: input.upload ? "uploading" : "sending",
      progress: input.upload ? input.upload.progress() : null,
      error: null,
      message: null,
      draft: input.draft ?? null,
      body: null,
      earlier: new Set(
        flattenPages(
          queryClient.getQueryData<InfiniteData<Page<MessageDto>>>(queryKeys.messages(input.conversationId)),
        ).map((m) => m.id),
      ),
    },
    build: input.build,
    body: null,
    upload: input.upload ?? null,
    windowAtSend: input.windowExpiresAt,
  });
  publish();
  enqueue(queryClient, key);
  return key;
}

/** Tries a failed submit again with the same key (and the same body once built), so it sends at most once. */
export function retryPending(queryClient: QueryClient, key: string): void {
  const entry = entries.get(key);
  if (!entry || entry.item.state !== "failed") return;
  // An upload that never finished is started again from the same file.
  if (!entry.body && entry.upload) entry.upload = startUpload(entry.upload.file);
  update(key, { state: entry.upload && !entry.body ? "uploading" : "sending", error: null });
  enqueue(queryClient, key);
}

export function discardPending(key: string): void {
  const entry = entries.get(key);
  if (!entry || entry.item.state !== "failed") return;
  entry.upload?.abort();
  if (entry.item.preview.file?.url) URL.revokeObjectURL(entry.item.preview.file.url);
  entries.delete(key);
  publish();
}

/**
 * Pairs pending sends with the server's rows. A row can show up before its POST answers (the socket nudge
 * wins the race, or the answer was lost and the retry is waiting), so match on the stored content too.
 */
export function matchPending(items: OutboxItem[], rows: MessageDto[]): Map<string, string> {
  const matched = new Map<string, string>();
  const claimed = new Set(items.flatMap((i) => (i.message ? [i.message.id] : [])));
  for (const item of items) {
    if (item.message) {
      if (rows.some((r) => r.id === item.message!.id)) matched.set(item.key, item.message.id);
      continue;
    }
    if (!item.body) continue;
    const body = canonical(item.body);
    const row = rows.find(
      (r) =>
        r.direction === "outbound" &&
        !claimed.has(r.id) &&
        !item.earlier.has(r.id) &&
        canonical(r.content) === body,
    );
    if (!row) continue;
    claimed.add(row.id);
    matched.set(item.key, row.id);
  }
  return matched;
}

/** Drops the bubbles the thread now shows from the server (or whose failure the server proves wrong). */
export function settlePending(conversationId: string, rows: MessageDto[]): void {
  const mine = [...entries.values()].map((e) => e.item).filter((i) => i.conversationId === conversationId);
  const matched = matchPending(mine, rows);
  let changed = false;
  for (const item of mine) {
    // Safe while its POST is still in flight: updates to a removed entry are dropped.
    if (!matched.has(item.key)) continue;
    if (item.preview.file?.url) URL.revokeObjectURL(item.preview.file.url);
    entries.delete(item.key);
    changed = true;
  }
  if (changed) publish();
}

/** The composer switches to templates: the server says the window is closed, or a failed send asks for one. */
export function requireTemplate(conversationId: string, windowExpiresAt: string | null): void {
  snapshot = {
    ...snapshot,
    refusedWindows: { ...snapshot.refusedWindows, [conversationId]: windowExpiresAt },
  };
  for (const listener of listeners) listener();
}

export function usePending(conversationId: string): OutboxItem[] {
  const { items } = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  return useMemo(() => items.filter((i) => i.conversationId === conversationId), [items, conversationId]);
}

/** The window value a send was refused at, or undefined when nothing was refused for this conversation. */
export function useRefusedWindow(conversationId: string): string | null | undefined {
  const { refusedWindows } = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  return conversationId in refusedWindows ? refusedWindows[conversationId] : undefined;
}

// ---------------------------------------------------------------------------------------------------------

function enqueue(queryClient: QueryClient, key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  const id = entry.item.conversationId;
  const next = (chains.get(id) ?? Promise.resolve()).then(() => deliver(queryClient, key));
  chains.set(id, next);
}

async function deliver(queryClient: QueryClient, key: string): Promise<void> {
  const entry = entries.get(key);
  if (!entry) return;
  const { conversationId } = entry.item;
  try {
    if (!entry.body) {
      let uploaded: UploadedFile | null = null;
      if (entry.upload) {
        const task = entry.upload;
        update(key, { state: "uploading", progress: task.progress() });
        const stop = task.subscribe((progress) => update(key, { progress }));
        try {
          uploaded = await task.promise;
        } finally {
          stop();
        }
      }
      const parsed = outboundMessageInput.safeParse(entry.build(uploaded));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        fail(key, {
          code: "validation_failed",
          message: issue?.message ?? "The message is invalid",
          canRetry: false,
        });
        return;
      }
      entry.body = parsed.data;
      update(key, { body: parsed.data });
    }
    update(key, { state: "sending", progress: null });
    const message = await sendMessage(conversationId, entry.body, key);
    update(key, { state: "sent", message });
    // The thread settles the bubble once a fetch shows the message; this makes that fetch happen now.
    void queryClient.invalidateQueries({ queryKey: queryKeys.messages(conversationId) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all });
  } catch (error) {
    const code = error instanceof ApiError ? error.code : isNetworkError(error) ? "network" : "error";
    fail(key, {
      code,
      message: explainSendError(error),
      // Refusals (422) would be refused again; anything that may not have reached the server can go again.
      canRetry:
        !(error instanceof ApiError) || error.status === 429 || error.status === 409 || error.status >= 500,
    });
    if (code === "window_closed") {
      requireTemplate(conversationId, entry.windowAtSend);
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.all });
    }
  }
}

function fail(key: string, error: NonNullable<OutboxItem["error"]>): void {
  update(key, { state: "failed", progress: null, error });
}

function update(key: string, patch: Partial<OutboxItem>): void {
  const entry = entries.get(key);
  if (!entry) return;
  entry.item = { ...entry.item, ...patch };
  publish();
}

function publish(): void {
  snapshot = { ...snapshot, items: [...entries.values()].map((e) => e.item) };
  for (const listener of listeners) listener();
}

/** JSON with sorted keys: Postgres jsonb does not keep the order the client sent. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function getSnapshot(): Snapshot {
  return snapshot;
}
