import { checkHealth } from "@/lib/health/check-health";
import { isWarmingUp } from "@/lib/runtime/warm-up";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await checkHealth();
  // Not ready while the process still loads its routes (lib/runtime/warm-up.ts): balancers wait for it.
  if (health.ok && isWarmingUp())
    return Response.json({ ...health, ok: false, reason: "warming up" }, { status: 503 });
  return Response.json(health, { status: health.ok ? 200 : 503 });
}
