// Rejected webhooks store nothing (DESIGN.md "Ingestion" 1): they are counted and logged, rate-limited.
type Counters = {
  unsigned: number;
  bad_signature: number;
  too_large: number;
  lastLogAt: number;
  suppressed: number;
};

const globalKey = Symbol.for("tandem.ingest.rejections");
const store = globalThis as unknown as { [globalKey]?: Counters };

function counters(): Counters {
  store[globalKey] ??= { unsigned: 0, bad_signature: 0, too_large: 0, lastLogAt: 0, suppressed: 0 };
  return store[globalKey];
}

export function recordWebhookRejection(
  reason: "unsigned" | "bad_signature" | "too_large",
  remote?: string | null,
) {
  const c = counters();
  c[reason] += 1;
  const now = Date.now();
  if (now - c.lastLogAt < 10_000) {
    c.suppressed += 1;
    return;
  }
  const suppressed = c.suppressed ? ` (${c.suppressed} more suppressed)` : "";
  console.warn(`[webhook] rejected: ${reason} from ${remote ?? "unknown"}${suppressed}`);
  c.lastLogAt = now;
  c.suppressed = 0;
}

export function webhookRejectionCounts() {
  const { unsigned, bad_signature, too_large } = counters();
  return { unsigned, bad_signature, too_large };
}
