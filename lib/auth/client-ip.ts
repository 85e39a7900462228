type HeaderSource = { get(name: string): string | null };

/**
 * The client address for throttling and the session list: the first X-Forwarded-For hop (set by the
 * proxy in front, or by Next from the socket when there is none), else X-Real-IP.
 */
export function clientIp(headers: HeaderSource): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || headers.get("x-real-ip")?.trim() || null;
  return ip ? ip.replace(/^::ffff:/, "").slice(0, 64) : null;
}
