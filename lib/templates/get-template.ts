import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { NotFoundError } from "@/lib/errors";
import { countTemplateUsage, selectTemplate, toTemplateDto } from "./queries";
import type { TemplateDto } from "./schemas";
import { isUuid } from "@/lib/utils/ids";

export async function getTemplate({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<TemplateDto> {
  assertCan(ctx.actor, "templates:read");
  const db = dbOf(ctx);
  const row = isUuid(input.id) ? await selectTemplate(db, input.id) : undefined;
  if (!row) throw new NotFoundError("Template");
  const usage = await countTemplateUsage(db, [row.id]);
  return { ...toTemplateDto(row), usage_count: usage.get(row.id) ?? 0 };
}
