import { assertCan } from "@/lib/auth/permissions";
import type { Ctx } from "@/lib/db/context";
import { addNumber } from "./add-number";
import { getNumberForAdmin } from "./list-numbers";
import { connectNumberInput, type ConnectNumberInput, type NumberDto } from "./schemas";

/** POST /api/v1/numbers: an admin connects a number by hand; answers with the admin view (no token). */
export async function connectNumber({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ConnectNumberInput;
}): Promise<NumberDto> {
  assertCan(ctx.actor, "numbers:manage");
  const body = connectNumberInput.parse(input);
  const row = await addNumber({
    ctx,
    input: {
      wabaId: body.waba_id,
      phoneNumberId: body.phone_number_id,
      displayNumber: body.display_number,
      coexistence: body.coexistence,
      defaultTeamId: body.default_team_id ?? null,
      accessToken: body.access_token,
    },
  });
  return getNumberForAdmin({ ctx, input: { id: row.id } });
}
