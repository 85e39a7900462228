import { assertCan } from "@/lib/auth/permissions";
import { route } from "@/lib/http/route";
import { getMetrics } from "@/lib/metrics";

export const dynamic = "force-dynamic";

/**
 * Prometheus text format for this process (docs/operations.md "Metrics"). Not public: an API key (or a
 * session) holding audit:read, the read-only operational permission, e.g. a key of a custom "Monitoring" role.
 */
export const GET = route(async (_req, { actor, requestId }) => {
  assertCan(actor, "audit:read");
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store", "x-request-id": requestId },
  });
});
