import { assertCan } from "@/lib/auth/permissions";
import { dbOf, type Ctx } from "@/lib/db/context";
import { ValidationError } from "@/lib/errors";
import { decodeCursor, encodeCursor } from "@/lib/utils/cursor";
import { selectCampaigns, selectProgress, toCampaignDto } from "./queries";
import { listCampaignsInput, type CampaignDto, type ListCampaignsInput } from "./schemas";

/** Campaigns newest first, each with its live progress. */
export async function listCampaigns({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ListCampaignsInput;
}): Promise<{ data: CampaignDto[]; next_cursor: string | null }> {
  assertCan(ctx.actor, "campaigns:manage");
  const params = listCampaignsInput.parse(input);
  const cursor = params.cursor ? decodeCursor(params.cursor) : undefined;
  if (params.cursor && !cursor?.at) throw new ValidationError("cursor is not valid", { field: "cursor" });
  const db = dbOf(ctx);
  const rows = await selectCampaigns(db, {
    state: params.state,
    cursor: cursor?.at ? { at: cursor.at, id: cursor.id } : undefined,
    limit: params.limit,
  });
  const page = rows.slice(0, params.limit);
  const progress = await selectProgress(
    db,
    page.map((r) => r.id),
  );
  const last = rows.length > params.limit ? page[page.length - 1] : undefined;
  return {
    data: page.map((row) => toCampaignDto(row, progress.get(row.id)!)),
    next_cursor: last ? encodeCursor({ at: new Date(last.created_at).toISOString(), id: last.id }) : null,
  };
}
