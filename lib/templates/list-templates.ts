import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { countTemplateUsage, decodeListCursor, selectTemplates } from "./queries";
import { listTemplatesInput, type ListTemplatesInput, type TemplateDto } from "./schemas";

/** Templates of every WABA (or one), alphabetical, with usage counts; deleted ones only when `status=DELETED` is asked for. */
export async function listTemplates({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListTemplatesInput;
}): Promise<{ data: TemplateDto[]; next_cursor: string | null }> {
  assertCan(ctx.actor, "templates:read");
  const params = listTemplatesInput.parse(input);
  const cursor = params.cursor ? decodeListCursor(params.cursor) : undefined;
  if (params.cursor && !cursor) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const db = dbOf(ctx);
  const page = await selectTemplates(db, { ...params, cursor });
  const usage = await countTemplateUsage(
    db,
    page.data.map((t) => t.id),
  );
  return { ...page, data: page.data.map((t) => ({ ...t, usage_count: usage.get(t.id) ?? 0 })) };
}
