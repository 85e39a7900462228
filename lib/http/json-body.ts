import type { NextRequest } from "next/server";
import { PayloadTooLargeError, ValidationError } from "@/lib/errors";
import { readBodyCapped } from "./read-body";

/** A JSON request body, capped: 413 past `limit` without buffering it all, 422 when it is not JSON. */
export async function readJsonBody(req: NextRequest, limit: number): Promise<unknown> {
  const raw = await readBodyCapped(req.body, limit);
  if (raw === null) throw new PayloadTooLargeError(limit);
  if (raw.length === 0) throw new ValidationError("body is required", { field: "body" });
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    throw new ValidationError("body is not valid JSON", { field: "body" });
  }
}
