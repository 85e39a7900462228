import { readJsonBody } from "@/lib/http/json-body";
import { route } from "@/lib/http/route";
import { createTemplate, listTemplates } from "@/lib/templates";
import type { CreateTemplateInput } from "@/lib/templates/schemas";

export const dynamic = "force-dynamic";

export const GET = route(async (req, { actor }) => {
  const { waba_id, ...params } = Object.fromEntries(req.nextUrl.searchParams);
  return listTemplates({ ctx: { actor }, input: { ...params, wabaId: waba_id } });
});

export const POST = route(async (req, { actor }) => {
  // The verb validates the shape and answers 422 naming the field.
  const input = (await readJsonBody(req, 256 * 1024)) as CreateTemplateInput;
  const template = await createTemplate({ ctx: { actor }, input });
  return Response.json(template, { status: 201 });
});
