import { isUuid } from "./ids";

// Opaque keyset cursors: base64url JSON of the last row's sort key.
export type Cursor = { at: string | null; id: string };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(value: string): Cursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object" && "id" in parsed && typeof parsed.id === "string") {
      const at = "at" in parsed && typeof parsed.at === "string" ? parsed.at : null;
      if (at !== null && Number.isNaN(Date.parse(at))) return undefined;
      if (!isUuid(parsed.id)) return undefined;
      return { at, id: parsed.id };
    }
  } catch {
    // fall through: a malformed cursor is a validation error for the caller
  }
  return undefined;
}
