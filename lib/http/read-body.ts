/**
 * Reads a request body up to `limit` bytes. Returns null as soon as the limit is passed, cancelling the
 * stream, so an oversized or endless body is never buffered whole (BENCHMARKS.md R9).
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
