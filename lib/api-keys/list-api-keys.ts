import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor } from "@/lib/utils/cursor";
import { selectApiKeys } from "./queries";
import { listApiKeysInput, type ApiKeyDto, type ListApiKeysInput } from "./schemas";

/** API keys newest first, by prefix; never their secrets. */
export async function listApiKeys({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListApiKeysInput;
}): Promise<{ data: ApiKeyDto[]; next_cursor: string | null }> {
  assertCan(ctx.actor, "api-keys:manage");
  const params = listApiKeysInput.parse(input);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  return selectApiKeys(dbOf(ctx), { activeOnly: params.status === "active", cursor, limit: params.limit });
}
