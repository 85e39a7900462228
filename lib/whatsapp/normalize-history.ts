import type { HistoryChunk, HistoryMessage } from "./events";
import { historyItem, historyThread, messageItem, type ChangeValue } from "./payloads";
import { normalizeEchoes, normalizeInbound } from "./normalize-messages";
import {
  compact,
  contentOf,
  describe,
  eachItem,
  fromSeconds,
  hasIdentity,
  toMetaError,
  toPhone,
  unhandled,
  type ItemResult,
  type Scope,
  type Sink,
} from "./normalize-shared";

// `history` (§5.4): onboarding chunks, the declined notice (2593109), and the late media copies of the
// last 14 days (`messages[]` / `message_echoes[]`, same wamids as the chunk's placeholders).

const HISTORY_DECLINED = 2593109;

export function normalizeHistory(value: ChangeValue, scope: Scope, path: string, sink: Sink): void {
  eachItem(sink, value.history, `${path}.history`, historyItem, (h, itemPath, raw) => {
    const declined = h.errors?.find((e) => e.code === HISTORY_DECLINED);
    if (declined) {
      return {
        kind: "history.declined",
        wabaId: scope.wabaId,
        phoneNumberId: scope.phoneNumberId,
        error: toMetaError(declined),
      };
    }
    if (!h.metadata) {
      if (h.errors?.length) {
        const codes = h.errors.map((e) => e.code ?? "?").join(", ");
        return unhandled("history", `history item with errors (${codes})`, raw);
      }
      return "history item has neither metadata nor errors";
    }
    return {
      kind: "history.chunk",
      wabaId: scope.wabaId,
      phoneNumberId: scope.phoneNumberId,
      phase: h.metadata.phase,
      chunkOrder: h.metadata.chunk_order,
      progress: h.metadata.progress,
      threads: threadsOf(h.threads, scope, `${itemPath}.threads`, sink),
    };
  });
  normalizeInbound(value.messages, scope, `${path}.messages`, sink, "history");
  normalizeEchoes(value.message_echoes, scope, `${path}.message_echoes`, sink, "history");
}

/** Each thread, and each message in it, fails alone; the chunk keeps the rest. */
function threadsOf(
  list: unknown[] | undefined,
  scope: Scope,
  path: string,
  sink: Sink,
): HistoryChunk["threads"] {
  const threads: HistoryChunk["threads"] = [];
  (list ?? []).forEach((raw, t) => {
    const threadPath = `${path}[${t}]`;
    const parsed = historyThread.safeParse(raw);
    if (!parsed.success) {
      sink.failures.push({ path: threadPath, reason: describe(parsed.error) });
      return;
    }
    const context = parsed.data.context;
    // The thread `id` is the customer's phone when shareable; `context` carries the BSUID side.
    const customer = compact({
      phone: toPhone(context?.wa_id ?? parsed.data.id),
      bsuid: context?.user_id,
      parentBsuid: context?.parent_user_id,
      username: context?.username,
    });
    if (!hasIdentity(customer)) {
      sink.failures.push({ path: threadPath, reason: "thread has neither id nor context.user_id" });
      return;
    }
    const messages: HistoryMessage[] = [];
    eachItem(
      sink,
      parsed.data.messages,
      `${threadPath}.messages`,
      messageItem,
      (m, _path, item): ItemResult => {
        const type = m.type ?? "unknown";
        // Business-sent when `from` is the business number; `to` only appears on business-sent messages.
        const outbound =
          (scope.businessNumber !== undefined && toPhone(m.from) === scope.businessNumber) ||
          m.to !== undefined;
        messages.push({
          ...contentOf(item, type),
          wamid: m.id,
          direction: outbound ? "outbound" : "inbound",
          timestamp: fromSeconds(m.timestamp),
          status: m.history_context?.status?.toLowerCase() ?? null,
          replyToWamid: m.context?.id ?? null,
        });
        return undefined;
      },
    );
    threads.push({ customer, messages });
  });
  return threads;
}
