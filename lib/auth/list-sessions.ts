import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { dbOf, type Ctx } from "@/lib/db/context";
import { userSessions } from "@/lib/db/schema";
import { requireSessionUser } from "./session-actor";
import { SESSION_IDLE_MS } from "./sessions";

export type SessionDto = {
  id: string;
  current: boolean;
  ip: string | null;
  user_agent: string | null;
  device: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
};

/** The caller's own live sessions (not revoked, not expired, not idle), newest first. */
export async function listMySessions({ ctx }: { ctx: Ctx }): Promise<SessionDto[]> {
  const me = requireSessionUser(ctx.actor);
  const now = new Date();
  const rows = await dbOf(ctx)
    .select()
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, me.id),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
        gt(userSessions.lastSeenAt, new Date(now.getTime() - SESSION_IDLE_MS)),
      ),
    )
    .orderBy(desc(userSessions.lastSeenAt))
    .limit(100);
  return rows.map((r) => ({
    id: r.id,
    current: r.id === me.via.sessionId,
    ip: r.ip,
    user_agent: r.userAgent,
    device: describeUserAgent(r.userAgent),
    created_at: r.createdAt.toISOString(),
    last_seen_at: r.lastSeenAt.toISOString(),
    expires_at: r.expiresAt.toISOString(),
  }));
}

/** "Chrome on Linux": enough to recognise one's own devices without a UA-parsing dependency. */
export function describeUserAgent(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\//.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : /curl|node|undici|Playwright/i.test(ua)
              ? "Script"
              : "Browser";
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad|iOS/.test(ua)
      ? "iOS"
      : /Mac OS X|Macintosh/.test(ua)
        ? "macOS"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux|X11/.test(ua)
            ? "Linux"
            : null;
  return os ? `${browser} on ${os}` : browser;
}
