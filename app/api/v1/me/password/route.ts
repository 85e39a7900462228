import { changePassword, type ChangePasswordInput } from "@/lib/auth";
import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route(async (req, { actor }) =>
  changePassword({ ctx: { actor }, input: (await readJsonBody(req, 16_384)) as ChangePasswordInput }),
);
